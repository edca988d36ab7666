import { ApiError } from '../services/api.ts';
import { describeAccountError, describeAccountProblem } from './account-messages.ts';
import { translator } from './translator.ts';

/**
 * The words of one's own account page (name, password, two-factor sign-in), the API keys page, the
 * audit log, and People's two-factor reset, in English and Korean. Apart from account-messages.ts
 * because only those pages need them: they load with them, never with the first view or the sign-in
 * page.
 */
const en = {
  'me.title': 'Your account',
  'me.email': 'Email',
  'me.role': 'Role',
  'me.name.title': 'Your name',
  'me.name': 'Name',
  'me.name.hint': 'How others see you in Vigil',
  'me.name.save': 'Save name',
  'me.name.saving': 'Saving…',
  'me.name.saved': 'Name saved',
  'me.password.title': 'Password',
  'me.password.intro': 'Changing it signs you out on every other browser and device; this one stays signed in.',
  'me.password.current': 'Current password',
  'me.password.new': 'New password',
  'me.password.new.hint': 'At least 10 characters, not your email address',
  'me.password.again': 'New password again',
  'me.password.save': 'Change password',
  'me.password.saving': 'Changing…',
  'me.password.saved': 'Password changed. Your other sessions were signed out.',

  'tfa.title': 'Two-factor sign-in',
  'tfa.off': 'Off. With it on, signing in asks for a code from an authenticator app on your phone as well as your password.',
  'tfa.on': 'On: signing in asks for a code from your authenticator app.',
  'tfa.start': 'Turn on two-factor sign-in',
  'tfa.starting': 'Starting…',
  'tfa.step1': '1. Add Vigil to your authenticator app',
  'tfa.step1.about': 'In the app (Google Authenticator, Microsoft Authenticator, 1Password, Authy…), choose to enter a setup key by hand, and type this key:',
  'tfa.secret': 'Setup key',
  'tfa.copySecret': 'Copy key',
  'tfa.link': 'On a device whose app opens such links, you can open this one instead:',
  'tfa.timeBased': 'The key is time-based (TOTP), 6 digits every 30 seconds.',
  'tfa.step2': '2. Enter the code the app shows',
  'tfa.code': '6-digit code',
  'tfa.confirm': 'Turn on',
  'tfa.confirming': 'Checking…',
  'tfa.cancel': 'Cancel',
  'tfa.turnedOn': 'Two-factor sign-in is on',
  'tfa.left': 'Recovery codes left: {count}',
  'tfa.left.one': 'Recovery codes left: 1',
  'tfa.fewLeft': 'Few recovery codes are left: make new ones.',
  'tfa.renew': 'New recovery codes',
  'tfa.disable': 'Turn off',
  'tfa.password': 'Your password',
  'tfa.password.renew': 'Your password, to make new recovery codes (the old ones stop working)',
  'tfa.password.disable': 'Your password, to turn off two-factor sign-in',
  'tfa.renewYes': 'Make new codes',
  'tfa.disableYes': 'Turn off two-factor sign-in',
  'tfa.working': 'One moment…',
  'tfa.turnedOff': 'Two-factor sign-in is off',
  'tfa.codes.title': 'Your recovery codes',
  'tfa.codes.about':
    'If you lose your phone, sign in with one of these instead of a code from the app. Each works once. Keep them somewhere safe, such as a password manager: you will not see them again.',
  'tfa.codes.copy': 'Copy codes',
  'tfa.codes.download': 'Download as text',
  'tfa.codes.file': 'Recovery codes for {email} on Vigil ({origin}). Each works once.',
  'tfa.codes.done': 'I have saved them',
  copied: 'Copied',
  copyFailed: 'Could not copy: select the text and copy it.',

  'keys.title': 'API keys',
  'keys.intro':
    'Keys let scripts and other tools use Vigil’s API as you: send one as Authorization: Bearer <key>. A key can never do more than your role, and a read key only reads.',
  'keys.everyone': 'Everyone’s keys',
  'keys.none': 'No keys yet.',
  'keys.noneAll': 'Nobody has a key yet.',
  'keys.col.name': 'Name',
  'keys.col.key': 'Key',
  'keys.col.person': 'Person',
  'keys.col.scope': 'Access',
  'keys.col.expires': 'Expires',
  'keys.col.created': 'Made',
  'keys.col.used': 'Last used',
  'keys.scope.read': 'Read',
  'keys.scope.write': 'Read and write',
  'keys.never': 'Never',
  'keys.expired': 'Expired',
  'keys.neverUsed': 'Never used',
  'keys.usedFrom': 'from {address}',
  'keys.revoke': 'Revoke',
  'keys.revokeConfirm': 'Revoke {name}? Whatever uses it is refused from now on.',
  'keys.revokeYes': 'Yes, revoke',
  'keys.cancel': 'Cancel',
  'keys.revoked': 'Key {name} revoked',
  'keys.new.title': 'Make a key',
  'keys.new.name': 'Name',
  'keys.new.name.hint': 'What it is for, e.g. “deploy script”',
  'keys.new.scope': 'Access',
  'keys.new.scope.viewer': 'As a viewer you may only read, so your keys are read keys.',
  'keys.new.expires': 'Expires (optional)',
  'keys.new.expires.hint': 'Works until the end of this day; empty: until revoked',
  'keys.new.submit': 'Make key',
  'keys.new.submitting': 'Making…',
  'keys.made.title': 'New key · {name} · {scope}',
  'keys.made.once': 'Copy it now: you will not see it again. Vigil keeps only a fingerprint of it.',
  'keys.made.copy': 'Copy key',
  'keys.made.done': 'Done',
  'keys.tooMany': 'At most {max} keys a person: revoke some first.',

  'audit.title': 'Audit log',
  'audit.intro': 'Who changed what, and when; sign-ins too. Newest first.',
  'audit.filter.action': 'Action',
  'audit.filter.actor': 'Who',
  'audit.filter.target': 'Thing',
  'audit.filter.from': 'From',
  'audit.filter.to': 'To',
  'audit.filter.any': 'Any',
  'audit.filter.anyone': 'Anyone',
  'audit.filter.clear': 'Clear filters',
  'audit.fromAfterTo': 'The first day is after the last: nothing to show.',
  'audit.col.time': 'Time',
  'audit.col.who': 'Who',
  'audit.col.action': 'Action',
  'audit.col.thing': 'Thing',
  'audit.col.address': 'Address',
  'audit.col.details': 'Details',
  'audit.empty': 'Nothing has been recorded yet.',
  'audit.emptyFiltered': 'No entries match these filters.',
  'audit.more': 'Load more',
  'audit.loading': 'Loading…',
  'audit.fields': 'fields: {names}',
  'audit.kind.session': 'Session',
  'audit.kind.key': 'Personal key',
  'audit.kind.api-key': 'API_KEY',
  'audit.kind.local': 'This machine',
  'audit.kind.anonymous': 'Anonymous',
  'audit.type.endpoint': 'Endpoint',
  'audit.type.incident': 'Incident',
  'audit.type.maintenance-window': 'Maintenance window',
  'audit.type.notification-channel': 'Notification channel',
  'audit.type.status-page': 'Status page',
  'audit.type.user': 'Person',
  'audit.type.key': 'API key',
  'audit.type.invite': 'Invite',
  'audit.action.endpoint.created': 'Added an endpoint',
  'audit.action.endpoint.updated': 'Changed an endpoint',
  'audit.action.endpoint.deleted': 'Deleted an endpoint',
  'audit.action.endpoint.paused': 'Paused an endpoint',
  'audit.action.endpoint.resumed': 'Resumed an endpoint',
  'audit.action.endpoint.push-token-renewed': 'Renewed a push URL',
  'audit.action.endpoints.imported': 'Imported endpoints',
  'audit.action.endpoints.exported-with-secrets': 'Exported with secrets',
  'audit.action.incident.update-posted': 'Posted an incident update',
  'audit.action.incident.update-edited': 'Edited an incident update',
  'audit.action.incident.update-deleted': 'Deleted an incident update',
  'audit.action.maintenance.created': 'Scheduled maintenance',
  'audit.action.maintenance.updated': 'Changed a maintenance window',
  'audit.action.maintenance.deleted': 'Deleted a maintenance window',
  'audit.action.channel.created': 'Added a notification channel',
  'audit.action.channel.updated': 'Changed a notification channel',
  'audit.action.channel.deleted': 'Deleted a notification channel',
  'audit.action.status-page.created': 'Added a status page',
  'audit.action.status-page.updated': 'Changed a status page',
  'audit.action.status-page.deleted': 'Deleted a status page',
  'audit.action.status-page.subscriber-removed': 'Removed a subscriber',
  'audit.action.account.owner-created': 'Set up Vigil (the owner)',
  'audit.action.account.joined': 'Joined through an invite',
  'audit.action.account.updated': 'Changed own name or password',
  'audit.action.account.two-factor-on': 'Turned on two-factor sign-in',
  'audit.action.account.two-factor-off': 'Turned off two-factor sign-in',
  'audit.action.account.recovery-codes-renewed': 'Made new recovery codes',
  'audit.action.session.signed-in': 'Signed in',
  'audit.action.session.sign-in-failed': 'Sign-in failed',
  'audit.action.session.signed-out': 'Signed out',
  'audit.action.session.signed-out-elsewhere': 'Signed out everywhere else',
  'audit.action.session.ended': 'Ended a session',
  'audit.action.user.role-changed': 'Changed a role',
  'audit.action.user.removed': 'Removed a person',
  'audit.action.user.two-factor-reset': 'Turned off someone’s two-factor sign-in',
  'audit.action.key.created': 'Made an API key',
  'audit.action.key.revoked': 'Revoked an API key',
  'audit.action.invite.created': 'Invited someone',
  'audit.action.invite.withdrawn': 'Withdrew an invite',

  'people.tfa': '2FA',
  'people.tfa.title': 'Two-factor sign-in is on',
  'people.tfa.reset': 'Turn off two-factor',
  'people.tfa.resetConfirm':
    'Turn off two-factor sign-in for {name}? For someone who lost their phone: they sign in with their password, then turn it on again.',
  'people.tfa.resetYes': 'Yes, turn off',
  'people.tfa.resetDone': 'Two-factor sign-in is off for {name}',

  'err.wrongPassword': 'This is not your password',
  'err.wrongCode': 'Not the code the app shows now: enter the newest one',
  'err.inThePast': 'Must be a day to come',
  'err.tooFar': 'At most {maxDays} days from now',
  'err.invalidTime': 'Not a date',
  'err.empty': 'Required',
  'err.twoFactorOn': 'Two-factor sign-in is on already.',
  'err.twoFactorNotStarted': 'That took too long: start again.',
  'err.twoFactorOff': 'Two-factor sign-in is off.',
} as const;

export type AccountPageMessageKey = keyof typeof en;

const ko: Record<AccountPageMessageKey, string> = {
  'me.title': '내 계정',
  'me.email': '이메일',
  'me.role': '역할',
  'me.name.title': '내 이름',
  'me.name': '이름',
  'me.name.hint': 'Vigil에서 다른 사람에게 보이는 이름',
  'me.name.save': '이름 저장',
  'me.name.saving': '저장 중…',
  'me.name.saved': '이름을 저장했습니다',
  'me.password.title': '비밀번호',
  'me.password.intro': '비밀번호를 바꾸면 이 브라우저를 뺀 다른 모든 브라우저와 기기에서 로그아웃됩니다.',
  'me.password.current': '현재 비밀번호',
  'me.password.new': '새 비밀번호',
  'me.password.new.hint': '10자 이상, 이메일 주소는 쓸 수 없습니다',
  'me.password.again': '새 비밀번호 확인',
  'me.password.save': '비밀번호 바꾸기',
  'me.password.saving': '바꾸는 중…',
  'me.password.saved': '비밀번호를 바꿨습니다. 다른 세션은 모두 로그아웃되었습니다.',

  'tfa.title': '2단계 인증',
  'tfa.off': '꺼져 있습니다. 켜면 로그인할 때 비밀번호와 함께 휴대폰 인증 앱의 코드를 입력해야 합니다.',
  'tfa.on': '켜져 있습니다. 로그인할 때 인증 앱의 코드를 입력해야 합니다.',
  'tfa.start': '2단계 인증 켜기',
  'tfa.starting': '시작하는 중…',
  'tfa.step1': '1. 인증 앱에 Vigil 추가하기',
  'tfa.step1.about':
    '인증 앱(Google Authenticator, Microsoft Authenticator, 1Password, Authy 등)에서 설정 키를 직접 입력하는 방법을 고르고, 이 키를 입력하세요:',
  'tfa.secret': '설정 키',
  'tfa.copySecret': '키 복사',
  'tfa.link': '이런 링크를 여는 인증 앱이 있는 기기라면 대신 이 링크를 열어도 됩니다:',
  'tfa.timeBased': '시간 기반(TOTP) 키로, 30초마다 6자리 코드가 바뀝니다.',
  'tfa.step2': '2. 앱에 표시된 코드 입력하기',
  'tfa.code': '6자리 코드',
  'tfa.confirm': '켜기',
  'tfa.confirming': '확인하는 중…',
  'tfa.cancel': '취소',
  'tfa.turnedOn': '2단계 인증을 켰습니다',
  'tfa.left': '남은 복구 코드: {count}개',
  'tfa.left.one': '남은 복구 코드: 1개',
  'tfa.fewLeft': '복구 코드가 얼마 남지 않았습니다. 새로 만드세요.',
  'tfa.renew': '복구 코드 새로 만들기',
  'tfa.disable': '끄기',
  'tfa.password': '비밀번호',
  'tfa.password.renew': '복구 코드를 새로 만들려면 비밀번호를 입력하세요 (기존 코드는 더 이상 쓸 수 없습니다)',
  'tfa.password.disable': '2단계 인증을 끄려면 비밀번호를 입력하세요',
  'tfa.renewYes': '새 코드 만들기',
  'tfa.disableYes': '2단계 인증 끄기',
  'tfa.working': '잠시만요…',
  'tfa.turnedOff': '2단계 인증을 껐습니다',
  'tfa.codes.title': '복구 코드',
  'tfa.codes.about':
    '휴대폰을 잃어버리면 앱의 코드 대신 이 코드 중 하나로 로그인하세요. 코드마다 한 번만 쓸 수 있습니다. 비밀번호 관리자처럼 안전한 곳에 보관하세요. 다시는 볼 수 없습니다.',
  'tfa.codes.copy': '코드 복사',
  'tfa.codes.download': '텍스트 파일로 내려받기',
  'tfa.codes.file': 'Vigil({origin})의 {email} 계정 복구 코드입니다. 코드마다 한 번만 쓸 수 있습니다.',
  'tfa.codes.done': '저장했습니다',
  copied: '복사했습니다',
  copyFailed: '복사하지 못했습니다. 텍스트를 선택해 직접 복사하세요.',

  'keys.title': 'API 키',
  'keys.intro':
    '키가 있으면 스크립트나 다른 도구가 나로서 Vigil API를 쓸 수 있습니다. Authorization: Bearer <키> 헤더로 보내세요. 키는 내 역할보다 많은 일을 할 수 없고, 읽기 키는 읽기만 할 수 있습니다.',
  'keys.everyone': '모든 사람의 키',
  'keys.none': '아직 키가 없습니다.',
  'keys.noneAll': '아직 아무도 키가 없습니다.',
  'keys.col.name': '이름',
  'keys.col.key': '키',
  'keys.col.person': '사람',
  'keys.col.scope': '권한',
  'keys.col.expires': '만료',
  'keys.col.created': '만든 날',
  'keys.col.used': '마지막 사용',
  'keys.scope.read': '읽기',
  'keys.scope.write': '읽기와 쓰기',
  'keys.never': '없음',
  'keys.expired': '만료됨',
  'keys.neverUsed': '사용한 적 없음',
  'keys.usedFrom': '{address}에서',
  'keys.revoke': '폐기',
  'keys.revokeConfirm': '{name} 키를 폐기할까요? 이 키를 쓰는 곳은 이제부터 거부됩니다.',
  'keys.revokeYes': '폐기',
  'keys.cancel': '취소',
  'keys.revoked': '{name} 키를 폐기했습니다',
  'keys.new.title': '키 만들기',
  'keys.new.name': '이름',
  'keys.new.name.hint': '어디에 쓰는 키인지, 예: “배포 스크립트”',
  'keys.new.scope': '권한',
  'keys.new.scope.viewer': '뷰어는 읽기만 할 수 있으므로 읽기 키만 만들 수 있습니다.',
  'keys.new.expires': '만료일 (선택)',
  'keys.new.expires.hint': '이날이 끝날 때까지 쓸 수 있습니다. 비워 두면 폐기할 때까지 쓸 수 있습니다',
  'keys.new.submit': '키 만들기',
  'keys.new.submitting': '만드는 중…',
  'keys.made.title': '새 키 · {name} · {scope}',
  'keys.made.once': '지금 복사하세요. 다시는 볼 수 없습니다. Vigil은 키의 지문만 보관합니다.',
  'keys.made.copy': '키 복사',
  'keys.made.done': '완료',
  'keys.tooMany': '한 사람당 키는 최대 {max}개입니다. 먼저 몇 개를 폐기하세요.',

  'audit.title': '감사 로그',
  'audit.intro': '누가 언제 무엇을 바꿨는지, 로그인 기록까지 최신순으로 보여 줍니다.',
  'audit.filter.action': '작업',
  'audit.filter.actor': '누가',
  'audit.filter.target': '대상',
  'audit.filter.from': '시작일',
  'audit.filter.to': '종료일',
  'audit.filter.any': '전체',
  'audit.filter.anyone': '모두',
  'audit.filter.clear': '필터 지우기',
  'audit.fromAfterTo': '시작일이 종료일보다 늦습니다. 보여 줄 기록이 없습니다.',
  'audit.col.time': '시각',
  'audit.col.who': '누가',
  'audit.col.action': '작업',
  'audit.col.thing': '대상',
  'audit.col.address': 'IP 주소',
  'audit.col.details': '세부 정보',
  'audit.empty': '아직 기록된 것이 없습니다.',
  'audit.emptyFiltered': '이 필터에 맞는 기록이 없습니다.',
  'audit.more': '더 보기',
  'audit.loading': '불러오는 중…',
  'audit.fields': '항목: {names}',
  'audit.kind.session': '세션',
  'audit.kind.key': '개인 키',
  'audit.kind.api-key': 'API_KEY',
  'audit.kind.local': '이 컴퓨터',
  'audit.kind.anonymous': '익명',
  'audit.type.endpoint': '엔드포인트',
  'audit.type.incident': '인시던트',
  'audit.type.maintenance-window': '점검 일정',
  'audit.type.notification-channel': '알림 채널',
  'audit.type.status-page': '상태 페이지',
  'audit.type.user': '사람',
  'audit.type.key': 'API 키',
  'audit.type.invite': '초대',
  'audit.action.endpoint.created': '엔드포인트 추가',
  'audit.action.endpoint.updated': '엔드포인트 수정',
  'audit.action.endpoint.deleted': '엔드포인트 삭제',
  'audit.action.endpoint.paused': '엔드포인트 일시 중지',
  'audit.action.endpoint.resumed': '엔드포인트 재개',
  'audit.action.endpoint.push-token-renewed': '푸시 URL 재발급',
  'audit.action.endpoints.imported': '엔드포인트 가져오기',
  'audit.action.endpoints.exported-with-secrets': '비밀 값 포함 내보내기',
  'audit.action.incident.update-posted': '인시던트 업데이트 게시',
  'audit.action.incident.update-edited': '인시던트 업데이트 수정',
  'audit.action.incident.update-deleted': '인시던트 업데이트 삭제',
  'audit.action.maintenance.created': '점검 일정 추가',
  'audit.action.maintenance.updated': '점검 일정 수정',
  'audit.action.maintenance.deleted': '점검 일정 삭제',
  'audit.action.channel.created': '알림 채널 추가',
  'audit.action.channel.updated': '알림 채널 수정',
  'audit.action.channel.deleted': '알림 채널 삭제',
  'audit.action.status-page.created': '상태 페이지 추가',
  'audit.action.status-page.updated': '상태 페이지 수정',
  'audit.action.status-page.deleted': '상태 페이지 삭제',
  'audit.action.status-page.subscriber-removed': '구독자 삭제',
  'audit.action.account.owner-created': 'Vigil 설정 (소유자 생성)',
  'audit.action.account.joined': '초대로 가입',
  'audit.action.account.updated': '자기 이름 또는 비밀번호 변경',
  'audit.action.account.two-factor-on': '2단계 인증 켜기',
  'audit.action.account.two-factor-off': '2단계 인증 끄기',
  'audit.action.account.recovery-codes-renewed': '복구 코드 새로 만들기',
  'audit.action.session.signed-in': '로그인',
  'audit.action.session.sign-in-failed': '로그인 실패',
  'audit.action.session.signed-out': '로그아웃',
  'audit.action.session.signed-out-elsewhere': '다른 곳에서 모두 로그아웃',
  'audit.action.session.ended': '세션 끝내기',
  'audit.action.user.role-changed': '역할 변경',
  'audit.action.user.removed': '구성원 삭제',
  'audit.action.user.two-factor-reset': '다른 사람의 2단계 인증 끄기',
  'audit.action.key.created': 'API 키 만들기',
  'audit.action.key.revoked': 'API 키 폐기',
  'audit.action.invite.created': '초대하기',
  'audit.action.invite.withdrawn': '초대 철회',

  'people.tfa': '2FA',
  'people.tfa.title': '2단계 인증 사용 중',
  'people.tfa.reset': '2단계 인증 끄기',
  'people.tfa.resetConfirm': '{name} 님의 2단계 인증을 끌까요? 휴대폰을 잃어버린 사람을 위한 것입니다. 비밀번호로 로그인한 뒤 2단계 인증을 다시 켜면 됩니다.',
  'people.tfa.resetYes': '끄기',
  'people.tfa.resetDone': '{name} 님의 2단계 인증을 껐습니다',

  'err.wrongPassword': '비밀번호가 틀렸습니다',
  'err.wrongCode': '앱에 지금 표시된 코드가 아닙니다. 가장 최근 코드를 입력하세요',
  'err.inThePast': '내일 이후 날짜여야 합니다',
  'err.tooFar': '오늘부터 {maxDays}일 이내여야 합니다',
  'err.invalidTime': '날짜가 아닙니다',
  'err.empty': '필수 항목입니다',
  'err.twoFactorOn': '2단계 인증이 이미 켜져 있습니다.',
  'err.twoFactorNotStarted': '시간이 너무 오래 지났습니다. 처음부터 다시 하세요.',
  'err.twoFactorOff': '2단계 인증이 꺼져 있습니다.',
};

/**
 * Translates a word of these pages, filling its `{param}` placeholders.
 * @example tp('keys.revoked', { name: 'deploy script' }) // "Key deploy script revoked"
 */
export const tp = translator<AccountPageMessageKey>(en, ko);

/** A known audit action in words; an action this page does not know (a newer server's) as it is. */
export const actionName = (action: string) => {
  const key = `audit.action.${action}` as AccountPageMessageKey;
  return key in en ? tp(key) : action;
};

/** A known thing's type in words; else as it is. */
export const targetTypeName = (type: string) => {
  const key = `audit.type.${type}` as AccountPageMessageKey;
  return key in en ? tp(key) : type;
};

/** Every action the audit log records, for its filter (the keys' order: by kind of thing). */
export const AUDIT_ACTIONS = Object.keys(en)
  .filter((key) => key.startsWith('audit.action.'))
  .map((key) => key.slice('audit.action.'.length));

/** Every kind of thing the audit log names. */
export const AUDIT_TARGET_TYPES = Object.keys(en)
  .filter((key) => key.startsWith('audit.type.'))
  .map((key) => key.slice('audit.type.'.length));

/** The API's field errors these pages word themselves (code → words); the rest as the account pages say them. */
const FIELD_ERRORS: Record<string, AccountPageMessageKey> = {
  wrong_password: 'err.wrongPassword',
  wrong_code: 'err.wrongCode',
  in_the_past: 'err.inThePast',
  too_far: 'err.tooFar',
  invalid_time: 'err.invalidTime',
  empty: 'err.empty',
};

/**
 * The API's field errors of a refusal by field path (the first of each), in the UI's language;
 * `rename` gives a path the name of the field that shows it on this page (two forms may both send
 * `password`).
 * @example pageFieldErrors(error, { password: 'confirm-password' }) // { 'confirm-password': 'This is not your password' }
 */
export function pageFieldErrors(error: unknown, rename: Record<string, string> = {}): Record<string, string> {
  const errors: Record<string, string> = {};
  const listed = error instanceof ApiError ? (error.problem?.errors ?? []) : [];
  for (const e of listed) {
    const key = FIELD_ERRORS[e.code];
    const path = rename[e.path] ?? (e.path || '_');
    errors[path] ??= key ? tp(key, e.params) : describeAccountError(e);
  }
  return errors;
}

/** Refusals of these pages' routes worded here (code → words). */
const PROBLEMS: Record<string, AccountPageMessageKey> = {
  two_factor_on: 'err.twoFactorOn',
  two_factor_not_started: 'err.twoFactorNotStarted',
  two_factor_off: 'err.twoFactorOff',
  too_many_keys: 'keys.tooMany',
};

/** Why a call of these pages failed, in the UI's language. */
export function describePageProblem(error: unknown): string {
  const problem = error instanceof ApiError ? error.problem : null;
  const key = problem?.code ? PROBLEMS[problem.code] : undefined;
  return key ? tp(key, problem?.params) : describeAccountProblem(error);
}
