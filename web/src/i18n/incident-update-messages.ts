import type { IncidentUpdateState } from '../../../server/contract/status-pages.ts';
import type { MessageParams } from '../../../server/contract/types.ts';
import { describeFieldError } from './field-messages.ts';
import { translator } from './translator.ts';

/**
 * The words of incident updates on the incident page, in English and Korean. Apart from
 * messages.ts because only that page (loaded lazily) needs them.
 */
const en = {
  'iu.title': 'Updates',
  'iu.intro': 'What you tell people about this incident: status pages that show its endpoint show these, newest first.',
  'iu.none': 'No updates yet.',
  'iu.state.investigating': 'Investigating',
  'iu.state.identified': 'Identified',
  'iu.state.monitoring': 'Monitoring',
  'iu.state.resolved': 'Resolved',
  'iu.edited': 'edited {time}',
  'iu.edit': 'Edit',
  'iu.editLabel': 'Edit the update of {time}',
  'iu.delete': 'Delete',
  'iu.deleteConfirm': 'Delete this update?',
  'iu.deleteYes': 'Yes, delete',
  'iu.cancel': 'Cancel',
  'iu.form.title': 'Post an update',
  'iu.form.state': 'State',
  'iu.form.message': 'Message',
  'iu.form.message.hint': 'Shown as written, line breaks kept. At most {max} characters.',
  'iu.form.message.placeholder': 'What is known, what is being done, when the next update comes',
  'iu.form.post': 'Post update',
  'iu.form.posting': 'Posting…',
  'iu.form.save': 'Save',
  'iu.form.saving': 'Saving…',
  'iu.form.cancel': 'Cancel',
  'iu.toast.posted': 'Update posted',
  'iu.toast.saved': 'Update saved',
  'iu.toast.deleted': 'Update deleted',
  'iu.err.required': 'Write a message',
  'iu.err.tooLong': 'At most {max} characters',
  'iu.err.tooMany': 'At most {max} updates on one incident',
} as const;

export type IncidentUpdateMessageKey = keyof typeof en;

const ko: Record<IncidentUpdateMessageKey, string> = {
  'iu.title': '장애 업데이트',
  'iu.intro': '이 인시던트에 대해 사용자에게 알리는 내용입니다. 이 엔드포인트를 보여 주는 상태 페이지에 최신순으로 표시됩니다.',
  'iu.none': '아직 장애 업데이트가 없습니다.',
  'iu.state.investigating': '조사 중',
  'iu.state.identified': '원인 파악',
  'iu.state.monitoring': '모니터링 중',
  'iu.state.resolved': '해결됨',
  'iu.edited': '{time}에 수정됨',
  'iu.edit': '수정',
  'iu.editLabel': '{time} 업데이트 수정',
  'iu.delete': '삭제',
  'iu.deleteConfirm': '이 업데이트를 삭제할까요?',
  'iu.deleteYes': '삭제',
  'iu.cancel': '취소',
  'iu.form.title': '장애 업데이트 올리기',
  'iu.form.state': '상태',
  'iu.form.message': '내용',
  'iu.form.message.hint': '쓴 그대로, 줄바꿈도 그대로 보입니다. 최대 {max}자.',
  'iu.form.message.placeholder': '파악된 내용, 진행 중인 조치, 다음 업데이트 예정 시각',
  'iu.form.post': '업데이트 올리기',
  'iu.form.posting': '올리는 중…',
  'iu.form.save': '저장',
  'iu.form.saving': '저장 중…',
  'iu.form.cancel': '취소',
  'iu.toast.posted': '장애 업데이트를 올렸습니다',
  'iu.toast.saved': '장애 업데이트를 저장했습니다',
  'iu.toast.deleted': '장애 업데이트를 삭제했습니다',
  'iu.err.required': '내용을 입력하세요',
  'iu.err.tooLong': '{max}자 이하여야 합니다',
  'iu.err.tooMany': '인시던트 하나에 업데이트는 최대 {max}개입니다',
};

/**
 * Translates an incident update message, filling its `{param}` placeholders.
 * @example tiu('iu.state.monitoring') // "Monitoring"; in Korean "모니터링 중"
 */
export const tiu = translator<IncidentUpdateMessageKey>(en, ko);

/** A state's name: "Investigating", "조사 중". */
export const stateName = (state: IncidentUpdateState) => tiu(`iu.state.${state}`);

/** One error of the API about an update, in the UI's language. */
export function describeUpdateError(e: { code: string; params?: MessageParams | null; message: string }): string {
  if (e.code === 'required' || e.code === 'empty') return tiu('iu.err.required');
  if (e.code === 'too_many_updates') return tiu('iu.err.tooMany', { max: 200, ...e.params });
  return describeFieldError(e.code, e.params, e.message);
}
