import type { MessageParams } from '../../../server/contract/types.ts';
import { translator } from './translator.ts';

/**
 * The words of dependencies (an endpoint's parent, docs/dependencies.md) in the endpoint form, on the
 * endpoint page and the incident page, in English and Korean. Apart from messages.ts because only
 * those pages need them: they load with them, not with the first view (whose JavaScript has a
 * budget). What the first view says of a parent (the incidents list's "Caused by", the toasts, the
 * cards' hint) stays in messages.ts.
 */
const en = {
  'dep.form.label': 'Depends on',
  'dep.form.search': 'Search by name or address',
  'dep.form.searchLabel': 'Search the endpoints it can depend on',
  'dep.form.hint': 'While that endpoint is down or in maintenance, the incidents of this one are blamed on it and notify nobody.',
  'dep.form.none': 'None',
  'dep.form.none.detail': 'depends on no endpoint',
  'dep.form.change': 'Change',
  'dep.form.close': 'Close list',
  'dep.form.noMatch': 'No endpoint matches “{search}”.',
  'dep.form.nothing': 'No other endpoint yet.',
  'dep.form.excluded': 'Not listed: this endpoint and the {count} endpoints that depend on it (choosing one would make a loop).',
  'dep.form.excluded.one': 'Not listed: this endpoint and the endpoint that depends on it (choosing it would make a loop).',
  'dep.form.more': 'Showing {shown} of {count}: search to narrow the list.',
  'dep.err.self': 'An endpoint cannot depend on itself',
  'dep.err.cycle': '{name} already depends on this endpoint: choosing it would make a loop',
  'dep.err.unknown': 'That endpoint no longer exists: choose another',
  'dep.ep.parent': 'Depends on',
  'dep.ep.children': 'Depending on this one',
  'dep.ep.showAll': 'Show all {count}',
  'dep.inc.quiet': 'Opened while {name} was down or in maintenance: nobody was notified of this incident.',
};

export type DependencyMessageKey = keyof typeof en;

const ko: Record<DependencyMessageKey, string> = {
  'dep.form.label': '의존 대상',
  'dep.form.search': '이름이나 주소로 검색',
  'dep.form.searchLabel': '의존할 수 있는 엔드포인트 검색',
  'dep.form.hint': '의존 대상이 장애이거나 점검 중인 동안에는 이 엔드포인트의 인시던트를 그 대상 때문으로 표시하고 알림을 보내지 않습니다.',
  'dep.form.none': '없음',
  'dep.form.none.detail': '어떤 엔드포인트에도 의존하지 않음',
  'dep.form.change': '변경',
  'dep.form.close': '목록 닫기',
  'dep.form.noMatch': '“{search}”와(과) 일치하는 엔드포인트가 없습니다.',
  'dep.form.nothing': '아직 다른 엔드포인트가 없습니다.',
  'dep.form.excluded': '목록에서 뺀 항목: 이 엔드포인트와 여기에 의존하는 엔드포인트 {count}개 (고르면 순환이 됩니다).',
  'dep.form.excluded.one': '목록에서 뺀 항목: 이 엔드포인트와 여기에 의존하는 엔드포인트 1개 (고르면 순환이 됩니다).',
  'dep.form.more': '{count}개 중 {shown}개 표시. 검색해서 좁히세요.',
  'dep.err.self': '자기 자신에게 의존할 수 없습니다',
  'dep.err.cycle': '{name}이(가) 이미 이 엔드포인트에 의존합니다. 고르면 순환이 됩니다',
  'dep.err.unknown': '그 엔드포인트는 더 이상 없습니다. 다른 것을 고르세요',
  'dep.ep.parent': '의존 대상',
  'dep.ep.children': '여기에 의존하는 엔드포인트',
  'dep.ep.showAll': '{count}개 모두 보기',
  'dep.inc.quiet': '{name}이(가) 장애 또는 점검 중일 때 열린 인시던트라 알림을 보내지 않았습니다.',
};

/**
 * Translates a dependency message, filling its `{param}` placeholders; `count` 1 picks `<key>.one`
 * where there is one. Reactive: reads the locale signal.
 * @example td('dep.err.cycle', { name: 'Database' }) // "Database already depends on this endpoint: …"
 */
export const td = translator<DependencyMessageKey>(en, ko);

/**
 * The API's field error on `parentId` in the form's words, naming the endpoint instead of its id;
 * null for the other codes (said as every field error is).
 */
export function parentErrorText(code: string, params: MessageParams | null | undefined, nameOf: (id: string) => string | undefined): string | null {
  if (code === 'self_parent') return td('dep.err.self');
  if (code === 'unknown_endpoint') return td('dep.err.unknown');
  if (code === 'parent_cycle') {
    const id = typeof params?.id === 'string' ? params.id : '';
    return td('dep.err.cycle', { name: nameOf(id) ?? id });
  }
  return null;
}
