import type { MessageParams } from '../../../server/contract/types.ts';
import { ApiError } from '../services/api.ts';
import { describeFieldError } from './field-messages.ts';
import { describeRequestError } from './server-messages.ts';
import { translator } from './translator.ts';

/**
 * The words of the set-up, sign-in, invite and password reset pages, of People and Sessions, and of the header's
 * account menu, in English and Korean. Apart from messages.ts because only those need them: they
 * load with them, not with the first view (whose JavaScript has a budget). What a role may not do
 * stays in messages.ts (any page may be told).
 */
const en = {
  'account.menu': 'Account: {name}',
  'account.role.owner': 'Owner',
  'account.role.editor': 'Editor',
  'account.role.viewer': 'Viewer',
  'account.account': 'Your account',
  'account.sessions': 'Sessions',
  'account.keys': 'API keys',
  'account.people': 'People',
  'account.auditLog': 'Audit log',
  'account.signOut': 'Sign out',
  'account.signOutOthers': 'Sign out everywhere else',
  'account.signedOutOthers': 'Signed out of {count} other sessions',
  'account.signedOutOthers.one': 'Signed out of 1 other session',

  'acc.email': 'Email',
  'acc.name': 'Name',
  'acc.name.hint': 'How others see you in Vigil',
  'acc.password': 'Password',
  'acc.password.hint': 'At least 10 characters',
  'acc.passwordAgain': 'Password again',
  'acc.failed': 'Please correct the marked fields.',
  'acc.err.required': 'Required',
  'acc.err.email': 'Not an email address',
  'acc.err.tooShort': 'At least {min} characters',
  'acc.err.tooLong': 'At most {max} characters',
  'acc.err.passwordIsEmail': 'Must not be the email address',
  'acc.err.mismatch': 'Does not match the password',
  'acc.err.otherEmail': 'This invite is for {email}',

  'role.about.viewer': 'Sees everything, changes nothing.',
  'role.about.editor': 'Sees everything; changes endpoints, notification channels, status pages, maintenance windows and incident updates.',
  'role.about.owner': 'Everything an editor may, and manages people and invites, import, and export with secrets.',

  'setup.title': 'Create the owner account',
  'setup.intro': 'The owner runs this Vigil: who may use it and with which role, and everything else. Once in, you can invite others.',
  'setup.remote': 'From another machine, set-up needs the link printed in Vigil’s log (it ends in #token=…).',
  'setup.withLink': 'Opened with the set-up link from Vigil’s log.',
  'setup.submit': 'Create owner account',
  'setup.submitting': 'Creating…',
  'setup.defer': 'Continue without an account for now',
  'setup.deferNote': 'Until an owner account exists, only this machine can use Vigil.',
  'setup.notLocal': 'The owner account can only be created from the machine Vigil runs on, or with the set-up link printed in Vigil’s log.',
  'setup.done': 'Vigil is set up already: sign in.',
  'setup.welcome': 'Welcome, {name}: you own this Vigil.',

  'signIn.title': 'Sign in to Vigil',
  'signIn.submit': 'Sign in',
  'signIn.submitting': 'Signing in…',
  'signIn.wrong': 'The email or password is wrong.',
  'signIn.tooMany': 'Too many wrong passwords: try again in {seconds} s.',
  'signIn.ended': 'Your session has ended: sign in again.',
  'signIn.useKey': 'Use an API key instead',
  'signIn.noAccount': 'No account yet? Ask the owner of this Vigil for an invite.',
  'signIn.forgot': 'Forgot your password? Ask the owner of this Vigil for a password reset link.',
  'signIn.codeNeeded': 'Two-factor sign-in is on for this account: enter the code your authenticator app shows.',
  'signIn.code': 'Code from your authenticator app',
  'signIn.recoveryCode': 'Recovery code',
  'signIn.useRecovery': 'Use a recovery code instead',
  'signIn.useCode': 'Use the code from the app instead',
  'signIn.wrongCode': 'The code is wrong or has been used.',
  'signIn.or': 'or',
  'signIn.oidc': 'Sign in with {name}',
  'signIn.oidc_state': 'That sign-in took too long or was started elsewhere: try again.',
  'signIn.oidc_failed': '{name} did not confirm the sign-in: try again in a moment.',
  'signIn.oidc_email_unverified': '{name} has not verified your email address, so Vigil cannot match it to an account.',
  'signIn.oidc_no_account': 'There is no account here for that email address: ask the owner of this Vigil for an invite.',

  'invite.title': 'Join Vigil',
  'invite.offer': '{invitedBy} invites you as {role}.',
  'invite.expires': 'The link works once, until {time}.',
  'invite.submit': 'Create account',
  'invite.submitting': 'Creating…',
  'invite.notValid': 'This invite link has been used, withdrawn or has expired: ask for a new one.',
  'invite.noToken': 'This link is incomplete: open the whole invite link you were sent.',
  'invite.emailTaken': 'An account with this email address exists already: sign in instead.',
  'invite.signIn': 'Sign in',
  'invite.welcome': 'Welcome, {name}.',

  'reset.title': 'Reset password',
  'reset.offer': 'Set a new password for {name} ({email}).',
  'reset.madeBy': '{createdBy} made this link. It works once, until {time}.',
  'reset.signsOut': 'Setting it signs this account out on every browser and device. Then sign in with the new password.',
  'reset.password': 'New password',
  'reset.again': 'New password again',
  'reset.submit': 'Set new password',
  'reset.submitting': 'Setting…',
  'reset.done': 'The new password for {email} is set, and every session of this account was signed out.',
  'reset.done.next': 'Sign in with the new password (and the code from your authenticator app, if two-factor sign-in is on).',
  'reset.signIn': 'Sign in',
  'reset.notValid': 'This password reset link has been used, replaced by a newer one or has expired: ask the owner of this Vigil for a new one.',
  'reset.noToken': 'This link is incomplete: open the whole password reset link you were given, or ask the owner of this Vigil for a new one.',

  'people.title': 'People',
  'people.intro': 'Who may use this Vigil, and what each role may do.',
  'people.col.name': 'Name',
  'people.col.email': 'Email',
  'people.col.role': 'Role',
  'people.col.since': 'Joined',
  'people.you': '(you)',
  'people.roleOf': 'Role of {name}',
  'people.roleChanged': '{name} is now {role}',
  'people.remove': 'Remove',
  'people.removeConfirm': 'Remove {name}? Their sessions end at once.',
  'people.removeYes': 'Yes, remove',
  'people.cancel': 'Cancel',
  'people.removed': 'Removed {name}',
  'people.lastOwner': 'This is the last owner: make someone else an owner first.',

  'invites.title': 'Open invites',
  'invites.none': 'No open invites.',
  'invites.col.role': 'Role',
  'invites.col.for': 'For',
  'invites.col.by': 'Invited by',
  'invites.col.expires': 'Expires',
  'invites.anyone': 'Anyone with the link',
  'invites.withdraw': 'Withdraw',
  'invites.withdrawConfirm': 'Withdraw this invite?',
  'invites.withdrawYes': 'Yes, withdraw',
  'invites.withdrawn': 'Invite withdrawn',

  'invite.new.title': 'Invite someone',
  'invite.new.role': 'Role',
  'invite.new.email': 'Email (optional)',
  'invite.new.email.hint': 'Only this address may accept; left empty, whoever has the link',
  'invite.new.submit': 'Create invite link',
  'invite.new.submitting': 'Creating…',
  'invite.new.link': 'Invite link · {role} · {who}',
  'invite.new.once': 'Shown this once: copy it now and send it to them. It works once, until {time}.',
  'invite.new.copy': 'Copy link',
  'invite.new.copied': 'Copied',
  'invite.new.copyFailed': 'Could not copy: select the link and copy it.',
  'invite.new.close': 'Done',
  'invite.new.tooMany': 'At most {max} open invites: withdraw some first.',

  'sessions.title': 'Your sessions',
  'sessions.intro': 'The browsers signed in to your account. End any you do not recognise.',
  'sessions.this': 'This browser',
  'sessions.device': 'Browser',
  'sessions.created': 'Signed in',
  'sessions.lastSeen': 'Last seen',
  'sessions.address': 'Address',
  'sessions.end': 'End',
  'sessions.endLabel': 'End the session of {device}, last seen {time}',
  'sessions.ended': 'Session ended',
  'sessions.endOthers': 'Sign out everywhere else',
  'sessions.signOut': 'Sign out',
  'sessions.onlyThis': 'Only this browser is signed in.',
  'sessions.unknownDevice': 'Unknown browser',
} as const;

export type AccountMessageKey = keyof typeof en;

const ko: Record<AccountMessageKey, string> = {
  'account.menu': '계정: {name}',
  'account.role.owner': '소유자',
  'account.role.editor': '편집자',
  'account.role.viewer': '뷰어',
  'account.account': '내 계정',
  'account.sessions': '로그인 세션',
  'account.keys': 'API 키',
  'account.people': '구성원',
  'account.auditLog': '감사 로그',
  'account.signOut': '로그아웃',
  'account.signOutOthers': '다른 곳에서 모두 로그아웃',
  'account.signedOutOthers': '다른 세션 {count}개를 로그아웃했습니다',
  'account.signedOutOthers.one': '다른 세션 1개를 로그아웃했습니다',

  'acc.email': '이메일',
  'acc.name': '이름',
  'acc.name.hint': 'Vigil에서 다른 사람에게 보이는 이름',
  'acc.password': '비밀번호',
  'acc.password.hint': '10자 이상',
  'acc.passwordAgain': '비밀번호 확인',
  'acc.failed': '표시된 항목을 고쳐 주세요.',
  'acc.err.required': '필수 항목입니다',
  'acc.err.email': '이메일 주소가 아닙니다',
  'acc.err.tooShort': '{min}자 이상이어야 합니다',
  'acc.err.tooLong': '{max}자 이하여야 합니다',
  'acc.err.passwordIsEmail': '이메일 주소는 비밀번호로 쓸 수 없습니다',
  'acc.err.mismatch': '비밀번호와 일치하지 않습니다',
  'acc.err.otherEmail': '{email} 전용 초대입니다',

  'role.about.viewer': '모든 것을 볼 수 있지만 바꿀 수는 없습니다.',
  'role.about.editor': '모든 것을 볼 수 있고, 엔드포인트·알림 채널·상태 페이지·점검 일정·인시던트 업데이트를 바꿀 수 있습니다.',
  'role.about.owner': '편집자가 할 수 있는 모든 일에 더해, 구성원과 초대, 가져오기, 비밀 값을 포함한 내보내기를 관리합니다.',

  'setup.title': '소유자 계정 만들기',
  'setup.intro':
    '소유자는 이 Vigil을 관리합니다. 누가 어떤 역할로 쓸 수 있는지를 비롯해 모든 것을 정할 수 있습니다. 계정을 만든 뒤에 다른 사람을 초대할 수 있습니다.',
  'setup.remote': '다른 컴퓨터에서 설정하려면 Vigil 로그에 출력된 설정 링크(#token=…으로 끝남)가 필요합니다.',
  'setup.withLink': 'Vigil 로그의 설정 링크로 열었습니다.',
  'setup.submit': '소유자 계정 만들기',
  'setup.submitting': '만드는 중…',
  'setup.defer': '지금은 계정 없이 계속하기',
  'setup.deferNote': '소유자 계정이 생기기 전까지는 이 컴퓨터에서만 Vigil을 쓸 수 있습니다.',
  'setup.notLocal': '소유자 계정은 Vigil이 실행 중인 컴퓨터에서, 또는 Vigil 로그에 출력된 설정 링크로만 만들 수 있습니다.',
  'setup.done': 'Vigil은 이미 설정되었습니다. 로그인하세요.',
  'setup.welcome': '{name} 님, 환영합니다. 이 Vigil의 소유자가 되었습니다.',

  'signIn.title': 'Vigil 로그인',
  'signIn.submit': '로그인',
  'signIn.submitting': '로그인 중…',
  'signIn.wrong': '이메일 또는 비밀번호가 틀렸습니다.',
  'signIn.tooMany': '비밀번호를 너무 많이 틀렸습니다. {seconds}초 후에 다시 시도하세요.',
  'signIn.ended': '세션이 끝났습니다. 다시 로그인하세요.',
  'signIn.useKey': '대신 API 키 사용',
  'signIn.noAccount': '아직 계정이 없나요? 이 Vigil의 소유자에게 초대를 요청하세요.',
  'signIn.forgot': '비밀번호를 잊으셨나요? 이 Vigil의 소유자에게 비밀번호 재설정 링크를 요청하세요.',
  'signIn.codeNeeded': '이 계정은 2단계 인증을 사용합니다. 인증 앱에 표시된 코드를 입력하세요.',
  'signIn.code': '인증 앱의 코드',
  'signIn.recoveryCode': '복구 코드',
  'signIn.useRecovery': '대신 복구 코드 사용',
  'signIn.useCode': '대신 인증 앱의 코드 사용',
  'signIn.wrongCode': '코드가 틀렸거나 이미 사용되었습니다.',
  'signIn.or': '또는',
  'signIn.oidc': '{name}(으)로 로그인',
  'signIn.oidc_state': '로그인이 너무 오래 걸렸거나 다른 곳에서 시작되었습니다. 다시 시도하세요.',
  'signIn.oidc_failed': '{name}에서 로그인을 확인하지 못했습니다. 잠시 후 다시 시도하세요.',
  'signIn.oidc_email_unverified': '{name}에서 이메일 주소가 인증되지 않아 Vigil 계정과 연결할 수 없습니다.',
  'signIn.oidc_no_account': '이 이메일 주소로 된 계정이 없습니다. 이 Vigil의 소유자에게 초대를 요청하세요.',

  'invite.title': 'Vigil 참여하기',
  'invite.offer': '{invitedBy} 님이 {role}로 초대했습니다.',
  'invite.expires': '이 링크는 {time}까지 한 번 쓸 수 있습니다.',
  'invite.submit': '계정 만들기',
  'invite.submitting': '만드는 중…',
  'invite.notValid': '이미 사용했거나 철회되었거나 만료된 초대 링크입니다. 새 링크를 요청하세요.',
  'invite.noToken': '링크가 잘렸습니다. 받은 초대 링크 전체를 여세요.',
  'invite.emailTaken': '이 이메일 주소로 된 계정이 이미 있습니다. 대신 로그인하세요.',
  'invite.signIn': '로그인',
  'invite.welcome': '{name} 님, 환영합니다.',

  'reset.title': '비밀번호 재설정',
  'reset.offer': '{name} 님({email})의 새 비밀번호를 설정하세요.',
  'reset.madeBy': '{createdBy} 님이 만든 링크입니다. {time}까지 한 번 쓸 수 있습니다.',
  'reset.signsOut': '새 비밀번호를 설정하면 이 계정은 모든 브라우저와 기기에서 로그아웃됩니다. 그런 다음 새 비밀번호로 로그인하세요.',
  'reset.password': '새 비밀번호',
  'reset.again': '새 비밀번호 확인',
  'reset.submit': '새 비밀번호 설정',
  'reset.submitting': '설정하는 중…',
  'reset.done': '{email} 계정의 새 비밀번호를 설정했습니다. 이 계정의 모든 세션은 로그아웃되었습니다.',
  'reset.done.next': '새 비밀번호로 로그인하세요. 2단계 인증을 사용 중이면 인증 앱의 코드도 입력해야 합니다.',
  'reset.signIn': '로그인',
  'reset.notValid': '이미 사용했거나 새 링크로 바뀌었거나 만료된 비밀번호 재설정 링크입니다. 이 Vigil의 소유자에게 새 링크를 요청하세요.',
  'reset.noToken': '링크가 잘렸습니다. 받은 비밀번호 재설정 링크 전체를 열거나, 이 Vigil의 소유자에게 새 링크를 요청하세요.',

  'people.title': '구성원',
  'people.intro': '이 Vigil을 쓸 수 있는 사람과 역할별로 할 수 있는 일입니다.',
  'people.col.name': '이름',
  'people.col.email': '이메일',
  'people.col.role': '역할',
  'people.col.since': '가입일',
  'people.you': '(나)',
  'people.roleOf': '{name} 님의 역할',
  'people.roleChanged': '{name} 님의 역할을 {role}로 바꿨습니다',
  'people.remove': '삭제',
  'people.removeConfirm': '{name} 님을 삭제할까요? 로그인된 세션도 바로 끝납니다.',
  'people.removeYes': '삭제',
  'people.cancel': '취소',
  'people.removed': '{name} 님을 삭제했습니다',
  'people.lastOwner': '마지막 소유자입니다. 먼저 다른 사람을 소유자로 지정하세요.',

  'invites.title': '대기 중인 초대',
  'invites.none': '대기 중인 초대가 없습니다.',
  'invites.col.role': '역할',
  'invites.col.for': '대상',
  'invites.col.by': '초대한 사람',
  'invites.col.expires': '만료',
  'invites.anyone': '링크가 있는 누구나',
  'invites.withdraw': '철회',
  'invites.withdrawConfirm': '이 초대를 철회할까요?',
  'invites.withdrawYes': '철회',
  'invites.withdrawn': '초대를 철회했습니다',

  'invite.new.title': '초대하기',
  'invite.new.role': '역할',
  'invite.new.email': '이메일 (선택)',
  'invite.new.email.hint': '이 주소로만 수락할 수 있습니다. 비워 두면 링크가 있는 누구나 수락할 수 있습니다',
  'invite.new.submit': '초대 링크 만들기',
  'invite.new.submitting': '만드는 중…',
  'invite.new.link': '초대 링크 · {role} · {who}',
  'invite.new.once': '지금 한 번만 보입니다. 복사해서 초대할 사람에게 보내세요. {time}까지 한 번 쓸 수 있습니다.',
  'invite.new.copy': '링크 복사',
  'invite.new.copied': '복사했습니다',
  'invite.new.copyFailed': '복사하지 못했습니다. 링크를 선택해 직접 복사하세요.',
  'invite.new.close': '완료',
  'invite.new.tooMany': '대기 중인 초대는 최대 {max}개입니다. 먼저 몇 개를 철회하세요.',

  'sessions.title': '로그인 세션',
  'sessions.intro': '내 계정에 로그인된 브라우저입니다. 모르는 세션이 있으면 끝내세요.',
  'sessions.this': '이 브라우저',
  'sessions.device': '브라우저',
  'sessions.created': '로그인 시각',
  'sessions.lastSeen': '마지막 사용',
  'sessions.address': 'IP 주소',
  'sessions.end': '끝내기',
  'sessions.endLabel': '{device} 세션 끝내기 (마지막 사용 {time})',
  'sessions.ended': '세션을 끝냈습니다',
  'sessions.endOthers': '다른 곳에서 모두 로그아웃',
  'sessions.signOut': '로그아웃',
  'sessions.onlyThis': '이 브라우저에만 로그인되어 있습니다.',
  'sessions.unknownDevice': '알 수 없는 브라우저',
};

/**
 * Translates an account message, filling its `{param}` placeholders.
 * @example ta('invite.offer', { invitedBy: 'ana@example.com', role: 'Editor' }) // "ana@example.com invites you as Editor."
 */
export const ta = translator<AccountMessageKey>(en, ko);

/** The API's field errors on an account (docs/api-errors.md) that these pages word themselves; the rest as every form says them. */
const FIELD_ERRORS: Record<string, AccountMessageKey> = {
  required: 'acc.err.required',
  invalid_email: 'acc.err.email',
  too_short: 'acc.err.tooShort',
  too_long: 'acc.err.tooLong',
  password_is_email: 'acc.err.passwordIsEmail',
  invite_for_other_email: 'acc.err.otherEmail',
};

/**
 * One field error of the API about an account, in the UI's language.
 * @example describeAccountError({ path: 'password', code: 'too_short', params: { min: 10 }, … }) // "At least 10 characters"
 */
export function describeAccountError(e: { code: string; params: MessageParams; message: string }): string {
  const key = FIELD_ERRORS[e.code];
  return key ? ta(key, e.params) : describeFieldError(e.code, e.params, e.message);
}

/** Refusals of the account routes these pages word themselves (code → words). */
const PROBLEMS: Record<string, AccountMessageKey> = {
  invalid_credentials: 'signIn.wrong',
  invalid_second_factor: 'signIn.wrongCode',
  too_many_attempts: 'signIn.tooMany',
  setup_not_local: 'setup.notLocal',
  already_set_up: 'setup.done',
  invite_not_valid: 'invite.notValid',
  reset_not_valid: 'reset.notValid',
  email_taken: 'invite.emailTaken',
  last_owner: 'people.lastOwner',
  too_many_invites: 'invite.new.tooMany',
};

/** Why an account call failed, in the UI's language: these pages' own words for their refusals, else as every page says it. */
export function describeAccountProblem(error: unknown): string {
  const problem = error instanceof ApiError ? error.problem : null;
  const key = problem?.code ? PROBLEMS[problem.code] : undefined;
  return key ? ta(key, problem?.params) : describeRequestError(error);
}

/** The API's field errors of a refusal by field path (the first of each); empty when it named none. */
export function accountFieldErrors(error: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  const listed = error instanceof ApiError ? (error.problem?.errors ?? []) : [];
  for (const e of listed) errors[e.path || '_'] ??= describeAccountError(e);
  return errors;
}
