// English for the Sessions view and its confirmations, loaded with them.
const enSessions = {
  sessionsIntro: 'Where your account is signed in right now.',
  signedIn: 'Signed in {time}',
  lastActive: 'Last active {time}',
  revoke: 'Sign out',
  revokeLabel: 'Sign out {device}',
  revokeOthers: 'Sign out all other sessions',
  confirmRevokeTitle: 'Sign out this session?',
  confirmRevokeBody: '{device} will be signed out and will have to sign in again.',
  confirmOthersTitle: 'Sign out all other sessions?',
  confirmOthersBody: 'Every session except this one will be signed out.',
  emptySessions: 'No active sessions.',
};

export default enSessions;
