import type { CheckErrorCode, FailedAssertion, MessageParams, ProblemDetails } from '../../../server/contract/types.ts';
import { formatTime } from '../lib/format.ts';
import { locale, t } from './index.ts';

/**
 * The server's messages in the UI's language, from their codes and parameters (docs/api-errors.md).
 * The server words each one in English itself, so English shows its text as sent; another
 * language fills its own template, and falls back to that English text for a code it does not
 * know (a newer server) or a message without a code (a row stored before codes existed).
 */

type Templates = Record<string, string>;

const CHECK_ERRORS_KO: Record<CheckErrorCode, string> = {
  timeout: '시간 초과',
  refused: '연결 거부됨 ({host}:{port})',
  dns: 'DNS 조회 실패: {host}',
  reset: '상대방이 연결을 끊음',
  tls: 'TLS 오류: {detail}',
  blocked: '정책에 의해 차단됨: {detail}',
  invalid_url: '잘못된 URL',
  invalid_request: '잘못된 요청: {detail}',
  invalid_redirect: '잘못된 리디렉션 위치: {location}',
  too_many_redirects: '리디렉션이 너무 많음 ({max}회 초과)',
  network: '네트워크 오류 {errno}: {detail}',
  unexpected_status: '상태 코드 {status} (기대: {expected})',
  slow: '느린 응답: {responseTime} ms (기준 {threshold} ms)',
  assertion: '{subject}: 기대 {expected}, 실제 {actual}',
  certificate_expiring: '인증서가 {days}일 후 만료됨 (경고 기준 {warningDays}일)',
  dns_code: '{name}의 {type} 조회 응답: {code}',
  dns_no_answer: '{name}의 {type} 레코드 없음',
  push_late: '{deadline}까지 핑 없음 (마지막 핑: {last})',
  push_failed: '작업이 실패를 보고함{detail}',
};

/**
 * A push endpoint's messages carry times (ISO 8601) and English words in their parameters: both
 * languages fill their own template, with the times in the reader's locale and time of day.
 */
const PUSH_WORDS = {
  en: {
    push_late: 'No ping by {deadline} (last ping: {last})',
    push_failed: 'The job reported a failure{detail}',
    never: 'never',
    started: 'none since the run started at {time}',
    exit: ' (exit status {status})',
  },
  ko: {
    push_late: CHECK_ERRORS_KO.push_late,
    push_failed: CHECK_ERRORS_KO.push_failed,
    never: '없음',
    started: '{time}에 시작한 실행 이후 없음',
    exit: ' (종료 코드 {status})',
  },
};

/** push_late or push_failed in the UI's language, from the parameters the server sends (deadline, last; detail). */
function pushMessage(code: 'push_late' | 'push_failed', params: MessageParams): string {
  const words = PUSH_WORDS[locale()];
  const time = (text: string) => text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, (iso) => formatTime(iso));
  const last = String(params.last);
  const started = /^never after the run started at (.+)$/.exec(last)?.[1];
  return fill(words[code], {
    deadline: time(String(params.deadline)),
    last: last === 'never' ? words.never : started ? fill(words.started, { time: time(started) }) : time(last),
    detail: String(params.detail).replace(/^ \(exit status (\d+)\)$/, (_, status: string) => fill(words.exit, { status })),
  });
}

/**
 * The word parts of an assertion's subject, expected and actual (server/domain/assertions.ts) in
 * Korean; quoted values, numbers, symbols and JSONPaths stay as they are.
 */
const ASSERTION_WORDS_KO: Record<string, string> = {
  'status code': '상태 코드',
  body: '본문',
  'response time': '응답 시간',
  certificate: '인증서',
  'DNS code': 'DNS 응답 코드',
  'to exist': '있음',
  'not to exist': '없음',
  nothing: '값 없음',
  'no such header': '헤더 없음',
  'no body': '본문 없음',
  'no match': '일치 없음',
  'a match': '일치함',
  'not JSON': 'JSON 아님',
  'no certificate': '인증서 없음',
  'no status code': '상태 코드 없음',
  'no DNS answer': 'DNS 응답 없음',
};
/** Longest first: "not to contain x" is not "not" + "to contain x". */
const ASSERTION_PHRASES_KO: [RegExp, string][] = [
  [/^header (.*)$/s, '헤더 $1'],
  [/^a value it could not judge \((.*)\)$/s, '판단할 수 없는 값 ($1)'],
  [/^not to contain (.*)$/s, '$1 미포함'],
  [/^to contain (.*)$/s, '$1 포함'],
  [/^to match (.*)$/s, '$1 일치'],
  [/^not (.*)$/s, '$1 아님'],
  [/^([<>≤≥] )?(-?[\d.]+) days?$/, '$1$2일'],
];

function assertionPartKo(text: string): string {
  const word = ASSERTION_WORDS_KO[text];
  if (word) return word;
  for (const [phrase, korean] of ASSERTION_PHRASES_KO) if (phrase.test(text)) return text.replace(phrase, korean);
  return text;
}

function assertionParamsKo(params: MessageParams): MessageParams {
  const out: MessageParams = { ...params };
  for (const key of ['subject', 'expected', 'actual']) if (typeof out[key] === 'string') out[key] = assertionPartKo(out[key]);
  return out;
}

const PROBLEMS_KO: Templates = {
  invalid_input: '입력값이 올바르지 않습니다',
  bad_request: '잘못된 요청입니다',
  unauthorized: 'API 키가 없거나 틀렸습니다',
  forbidden: '허용되지 않은 요청입니다',
  not_found: '{id}을(를) 찾을 수 없습니다',
  conflict: '다른 변경과 충돌했습니다. 다시 시도하세요',
  payload_too_large: '요청 본문이 너무 큽니다',
  too_many_requests: '요청이 너무 많습니다. 잠시 후 다시 시도하세요',
  database_unavailable: '데이터베이스에 연결할 수 없습니다 ({cause}). 체크는 계속되며 곧 다시 시도할 수 있습니다',
  service_unavailable: '서비스를 사용할 수 없습니다',
  internal_error: '예기치 않은 오류가 발생했습니다',
  network_error: '서버에 연결할 수 없습니다',
};

/** `template` with each `{name}` replaced by its parameter (left as written when missing). */
export function fill(template: string, params: MessageParams | null | undefined): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
}

/** A message in the UI's language: the server's English text, or the template of `code` in `templates`. */
export function describe(
  templates: Partial<Templates> | null,
  code: string | null | undefined,
  params: MessageParams | null | undefined,
  fallbackText: string,
): string {
  if (locale() === 'en' || !templates || !code) return fallbackText;
  const template = templates[code];
  return template === undefined ? fallbackText : fill(template, params);
}

/**
 * Why a check failed or was slow, in the UI's language.
 * @example describeCheckError('timeout', {}, 'Timeout exceeded') // '시간 초과' in Korean
 */
export function describeCheckError(code: CheckErrorCode | null | undefined, params: MessageParams | null | undefined, fallbackText: string): string {
  if ((code === 'push_late' && typeof params?.deadline === 'string') || (code === 'push_failed' && typeof params?.detail === 'string')) {
    return pushMessage(code, params);
  }
  if (locale() !== 'ko') return fallbackText;
  return describe(CHECK_ERRORS_KO, code, code === 'assertion' && params ? assertionParamsKo(params) : params, fallbackText);
}

/**
 * One assertion a check did not meet, in the UI's language.
 * @example describeFailedAssertion({ subject: 'response time', expected: '< 500 ms', actual: '812 ms', … }) // '응답 시간: 기대 < 500 ms, 실제 812 ms' in Korean
 */
export function describeFailedAssertion(failed: Pick<FailedAssertion, 'subject' | 'expected' | 'actual' | 'message'>): string {
  return describeCheckError('assertion', { subject: failed.subject, expected: failed.expected, actual: failed.actual }, failed.message);
}

/** Why a request failed, in the UI's language: its problem's code when the server sent one, else the error's own text. */
export function describeRequestError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const problem = (error as { problem?: ProblemDetails | null } | null)?.problem;
  return problem ? describeProblem(problem.code, problem.params, text) : text;
}

/** A problem+json answer's `code` (404 not_found, 503 database_unavailable…) in the UI's language. */
export function describeProblem(code: string | null | undefined, params: MessageParams | null | undefined, fallbackText: string): string {
  // What a role may not do is worded by the page in both languages, with whom to ask.
  if (code === 'forbidden_role' && (params?.needs === 'edit' || params?.needs === 'manage')) return t(`role.refused.${params.needs}`);
  return describe(locale() === 'ko' ? PROBLEMS_KO : null, code, params, fallbackText);
}
