import { DNS_RECORD_TYPES, MONITOR_TYPES, type MessageParams, type Warning } from '../../../server/contract/types.ts';
import { locale } from './index.ts';
import { describe } from './server-messages.ts';

/**
 * Field errors and warnings of the API in the UI's language (docs/api-errors.md). Apart from
 * server-messages.ts because only the form needs them: they stay out of the first view's code.
 */

const FIELD_ERRORS_KO: Record<string, string> = {
  invalid: '올바르지 않은 값입니다',
  more_errors: '…외 {count}개의 오류',
  required: '필수 항목입니다',
  wrong_type: '{expected} 형식이어야 합니다',
  not_integer: '정수여야 합니다',
  unknown_field: '알 수 없는 항목입니다',
  empty: '비워 둘 수 없습니다',
  too_short: '{min}자 이상이어야 합니다',
  too_long: '{max}자 이하여야 합니다',
  too_small: '{min} 이상이어야 합니다',
  too_large: '{max} 이하여야 합니다',
  too_few: '{min}개 이상 입력하세요',
  too_many: '최대 {max}개까지 입력할 수 있습니다',
  too_many_characters: '이름과 값을 합쳐 {max}자 이하여야 합니다 (현재 {total}자)',
  invalid_choice: '다음 중 하나여야 합니다: {allowed}',
  invalid_format: '형식이 올바르지 않습니다',
  invalid_header_name: '올바른 헤더 이름이 아닙니다',
  invalid_uuid: 'UUID 형식이어야 합니다',
  nul_character: 'NUL 문자를 포함할 수 없습니다',
  control_character: '제어 문자나 양방향 재정의 문자를 포함할 수 없습니다 ({position}번째 문자 {char})',
  line_break: '줄바꿈을 포함할 수 없습니다',
  invalid_url: 'http:// 또는 https://로 시작하는 전체 URL이어야 합니다',
  invalid_status_spec: '"{spec}"은(는) 상태 코드(100-599)나 "200-299" 같은 범위가 아닙니다',
  status_range_reversed: '범위 "{spec}"의 끝이 시작보다 앞섭니다',
  body_not_allowed: '{method} 요청에는 본문을 보낼 수 없습니다',
  degraded_not_below_timeout: '타임아웃({timeoutMs} ms)보다 작아야 합니다. 체크는 타임아웃에서 끊기므로 이대로는 절대 성능 저하가 될 수 없습니다',
  secret_marker_without_value: '값 대신 가림 표시 {marker}이(가) 들어 있고, 유지할 저장된 값이 없습니다. 실제 값을 입력하세요',
  secret_other_origin: '{storedOrigin}용으로 저장된 비밀 값입니다. URL이 다른 출처({origin})로 바뀌었으니 값을 다시 입력하거나 지우세요',
  blocked_target: '이 대상은 보안 정책(BLOCKED_TARGETS)에 의해 차단되어 있습니다',
  duplicate_id: '{first}와(과) 같은 id입니다',
  duplicate_name: '{first}와(과) 같은 이름입니다',
  ambiguous_name: '같은 이름의 엔드포인트가 {count}개 있습니다. 수정할 항목의 id를 넣으세요',
  invalid_time: 'ISO 8601 시각이어야 합니다',
  from_after_to: 'to보다 뒤일 수 없습니다',
  invalid_cursor: '이 API가 돌려준 커서가 아닙니다',
  empty_body: '요청 본문이 비어 있습니다',
  malformed_json: 'JSON 형식이 잘못되었습니다: {detail}',
  not_an_object: '요청 본문은 JSON 객체여야 합니다',
  too_deep: 'JSON이 {max}단계보다 깊게 중첩되어 있습니다 ({at}번째 문자)',
  invalid_unicode: '올바른 유니코드 텍스트가 아닙니다',
  invalid_unicode_field_name: '항목 이름이 올바른 유니코드가 아닙니다',
  too_many_keys: '항목이 {count}개입니다. JSON 본문의 객체에는 최대 {max}개까지 허용됩니다',
  too_many_items: '값이 {count}개입니다. JSON 본문의 배열에는 최대 {max}개까지 허용됩니다',
  comparison_not_allowed: '이 대상({source})에는 다음 비교만 쓸 수 있습니다: {allowed}',
  property_required: '헤더 이름이나 JSONPath(예: $.status)를 입력하세요',
  property_not_allowed: '이 대상({source})에는 입력하지 않습니다',
  invalid_json_path: 'JSONPath(RFC 9535) 식이 아닙니다: {detail}',
  target_not_allowed: '{comparison} 비교에는 값을 넣지 않습니다',
  target_not_number: '숫자여야 합니다',
  target_not_string: '문자열이어야 합니다',
  invalid_pattern: 'RE2가 받아들이는 정규식이 아닙니다(전후방 탐색, 역참조 불가): {detail}',
  needs_https: 'https:// URL이나 TLS 연결에만 쓸 수 있습니다. 인증서는 TLS 응답에만 있습니다',
  // monitor types: an address that does not fit its type, a field or an assertion the type has no use for
  invalid_url_tcp: 'tcp://호스트:포트 형식이어야 합니다 (TLS는 tls://호스트:포트). 호스트와 포트 말고는 쓸 수 없습니다',
  invalid_url_tls: 'tls://호스트:포트 형식이어야 합니다. 호스트와 포트 말고는 쓸 수 없습니다',
  invalid_url_dns: 'dns://리졸버/이름?type=A 또는 dns:이름?type=A 형식이어야 합니다',
  not_for_type: '{type} 엔드포인트에는 쓸 수 없습니다',
  source_not_for_type: '{type} 엔드포인트에는 다음 대상만 쓸 수 있습니다: {allowed}',
  port_required: '포트를 입력하세요',
  resolver_not_ip: '리졸버는 IP 주소로 적어야 합니다 (예: 192.0.2.53)',
  invalid_dns_name: '조회할 수 있는 호스트 이름이어야 합니다 (예: example.com)',
  invalid_record_type: `레코드 유형은 다음 중 하나여야 합니다: ${DNS_RECORD_TYPES.join(', ')}`,
  invalid_record_class: 'class는 IN이어야 합니다',
  invalid_dns_code: 'DNS 응답 코드는 다음 중 하나여야 합니다: {allowed}',
  // push endpoints: the schedule and the ping URL
  invalid_url_push: 'push:<토큰> 형식이어야 합니다. 비워 두면 Vigil이 만듭니다',
  invalid_cron: 'Vigil이 따를 수 있는 cron 식이 아닙니다: {detail}',
  invalid_timezone: '이 서버가 모르는 시간대입니다 (Europe/Berlin, Asia/Seoul 같은 IANA 이름)',
  timezone_without_cron: 'cron 일정 없이는 시간대를 정할 수 없습니다. 주기에는 시간대가 없습니다',
  duplicate_push_url: '다른 엔드포인트의 푸시 URL입니다. 비워 두면 Vigil이 새로 만듭니다',
  not_push: '{id}은(는) 푸시 엔드포인트가 아닙니다',
  // dependencies: an endpoint's parent (the form names the endpoint instead: dependency-messages.ts)
  unknown_endpoint: '엔드포인트가 아닙니다 ({id})',
  self_parent: '자기 자신에게 의존할 수 없습니다',
  parent_cycle: '순환이 됩니다. {id}이(가) 이미 이 엔드포인트에 의존합니다',
};

const TYPE_WORDS_KO: Record<string, string> = { number: '숫자', string: '문자열', boolean: 'true/false', object: '객체', record: '객체', array: '배열' };

const WARNINGS_KO: Record<string, string> = {
  timeout_exceeds_interval:
    '타임아웃({timeoutMs} ms)이 체크 주기({intervalSeconds}초)보다 깁니다. 응답하지 않는 대상은 {intervalSeconds}초보다 드물게 체크됩니다',
  degraded_unreachable: '느림 기준({degradedThresholdMs} ms)이 타임아웃({timeoutMs} ms)보다 작지 않아 이 엔드포인트는 성능 저하가 될 수 없습니다',
};

/**
 * One field error of a 400 answer, in the UI's language.
 * @example describeFieldError('too_long', { max: 100 }, 'must be at most 100 characters') // '100자 이하여야 합니다' in Korean
 */
export function describeFieldError(code: string | null | undefined, params: MessageParams | null | undefined, fallbackText: string): string {
  const expected = params?.expected;
  let localParams = code === 'wrong_type' && typeof expected === 'string' ? { ...params, expected: TYPE_WORDS_KO[expected] ?? expected } : params;
  // A monitor type is named as the form names it (TCP, DNS); an address that is no address of its monitor type (tcp://, dns:…) is worded for that type; http keeps the plain one.
  const type = params?.type;
  if (typeof type === 'string' && (MONITOR_TYPES as readonly string[]).includes(type)) localParams = { ...localParams, type: type.toUpperCase() };
  const localCode = code === 'invalid_url' && (type === 'tcp' || type === 'tls' || type === 'dns' || type === 'push') ? `invalid_url_${type}` : code;
  return describe(locale() === 'ko' ? FIELD_ERRORS_KO : null, localCode, localParams, fallbackText);
}

/** A warning of a create or update answer (timeout longer than the interval…), in the UI's language. */
export function describeWarning(warning: Warning): string {
  return describe(locale() === 'ko' ? WARNINGS_KO : null, warning.code, warning.params, warning.message);
}
