import { translator } from './translator.ts';

/**
 * The words of push endpoints in the form and on their page, in English and Korean. Apart from
 * messages.ts because only those pages need them: they load with them, not with the first view
 * (whose JavaScript has a budget). What the dashboard and the list show of a push endpoint (its
 * badge, its last ping, its schedule) stays in messages.ts.
 */
const en = {
  'form.push.urlNote': 'Vigil makes the ping URL when you save; it is shown on the endpoint’s page.',
  'form.schedule': 'A ping is expected',
  'form.schedule.interval': 'Every N seconds',
  'form.schedule.cron': 'On a cron schedule',
  'form.push.interval': 'A ping every (seconds)',
  'form.push.interval.hint': '{duration} after the last ping',
  'form.cron': 'Cron expression',
  'form.cron.hint': 'minute hour day month weekday (a 6th field in front: seconds), e.g. 30 3 * * * is 03:30 every day',
  'form.timezone': 'Time zone',
  'form.timezone.hint': 'An IANA name such as Asia/Seoul. Empty: UTC',
  'form.grace': 'Grace period (seconds)',
  'form.grace.hint': 'How long after the expected time a ping may still come: {duration}',
  'form.err.cron': 'Must be 5 or 6 fields: minute hour day month weekday',
  'form.err.timezone': 'Not a time zone: use an IANA name such as Asia/Seoul',
  'ep.lastPing': 'Last ping',
  'ep.nextDeadline': 'Down unless a ping comes',
  'ep.deadline.none': 'None while paused',
  'ep.deadline.overdue': 'overdue by {time}',
  'ep.schedule': 'Schedule',
  'ep.timezone': 'Time zone',
  'ep.grace': 'Grace period',
  'ep.runTime': 'Run time',
  'chart.legend.runTime': 'Run time (average per {bucket})',
  'time.in': 'in {time}',
  'time.ago': '{time} ago',
  'time.now': 'now',
  'push.title': 'Ping URL',
  'push.intro': 'Have your job call this URL each time it has run. Anyone who has the URL can report for the job: keep it secret.',
  'push.command': 'At the end of the job',
  'push.copy': 'Copy',
  'push.copyUrl': 'Copy the ping URL',
  'push.copyCommand': 'Copy the command',
  'push.copied': 'Copied',
  'push.copyFailed': 'Could not copy: select the text and copy it yourself',
  'push.forms': 'Other forms of the URL',
  'push.start': 'when the job starts (optional): its run time is measured',
  'push.fail': 'when it failed: the first 1 KB of a POST body (its log, say) is kept',
  'push.exit': 'the exit status: 0 is success, 1–255 a failure',
  'push.renew': 'New URL',
  'push.renewConfirm': 'Make a new URL? The old one stops working at once: jobs that use it must be changed.',
  'push.renewYes': 'Yes, make a new URL',
  'push.renewed': 'New ping URL for {name}: the old one no longer works',
  'push.needsKey': 'The ping URL is a secret: showing it needs the API key.',
  'push.loadFailed': 'Could not read the ping URL: {message}',
} as const;

export type PushMessageKey = keyof typeof en;

const ko: Record<PushMessageKey, string> = {
  'form.push.urlNote': '핑 URL은 저장할 때 Vigil이 만들며, 엔드포인트 페이지에 표시됩니다.',
  'form.schedule': '핑을 기다리는 일정',
  'form.schedule.interval': 'N초마다',
  'form.schedule.cron': 'cron 일정',
  'form.push.interval': '핑 주기 (초)',
  'form.push.interval.hint': '마지막 핑으로부터 {duration}',
  'form.cron': 'cron 식',
  'form.cron.hint': '분 시 일 월 요일 (6개면 맨 앞이 초). 예: 30 3 * * * 는 매일 03:30',
  'form.timezone': '시간대',
  'form.timezone.hint': 'Asia/Seoul 같은 IANA 이름. 비워 두면 UTC',
  'form.grace': '유예 시간 (초)',
  'form.grace.hint': '예정 시각이 지나도 핑을 기다리는 시간: {duration}',
  'form.err.cron': '5개 또는 6개 항목이어야 합니다: 분 시 일 월 요일',
  'form.err.timezone': '시간대가 아닙니다. Asia/Seoul 같은 IANA 이름을 쓰세요',
  'ep.lastPing': '마지막 핑',
  'ep.nextDeadline': '핑이 없으면 장애',
  'ep.deadline.none': '일시 중지 중에는 없음',
  'ep.deadline.overdue': '{time} 지남',
  'ep.schedule': '일정',
  'ep.timezone': '시간대',
  'ep.grace': '유예 시간',
  'ep.runTime': '실행 시간',
  'chart.legend.runTime': '실행 시간({bucket} 평균)',
  'time.in': '{time} 후',
  'time.ago': '{time} 전',
  'time.now': '지금',
  'push.title': '핑 URL',
  'push.intro': '작업이 끝날 때마다 이 URL을 호출하게 하세요. URL을 아는 사람은 누구나 이 작업 대신 보고할 수 있으니 비밀로 지키세요.',
  'push.command': '작업 끝에',
  'push.copy': '복사',
  'push.copyUrl': '핑 URL 복사',
  'push.copyCommand': '명령 복사',
  'push.copied': '복사됨',
  'push.copyFailed': '복사하지 못했습니다. 텍스트를 선택해 직접 복사하세요',
  'push.forms': 'URL의 다른 형태',
  'push.start': '작업을 시작할 때 (선택): 실행 시간을 잽니다',
  'push.fail': '실패했을 때: POST 본문(예: 로그)의 처음 1 KB를 남깁니다',
  'push.exit': '종료 코드: 0은 성공, 1–255는 실패',
  'push.renew': '새 URL',
  'push.renewConfirm': '새 URL을 만들까요? 이전 URL은 바로 동작을 멈추므로 그 URL을 쓰는 작업을 바꿔야 합니다.',
  'push.renewYes': '새 URL 만들기',
  'push.renewed': '{name}의 새 핑 URL을 만들었습니다. 이전 URL은 더 이상 동작하지 않습니다',
  'push.needsKey': '핑 URL은 비밀이라 API 키가 있어야 볼 수 있습니다.',
  'push.loadFailed': '핑 URL을 읽지 못했습니다: {message}',
};

/**
 * Translates a push endpoint's message, filling its `{param}` placeholders. Reactive: reads the locale signal.
 * @example tp('time.in', { time: '4 min' }) // "in 4 min"; in Korean "4분 후"
 */
export const tp = translator<PushMessageKey>(en, ko);
