// English for the Privacy view, which is loaded on demand: its words travel with its code, not in the entry.
const enPrivacy = {
  exportTitle: 'Download your activity',
  exportBody: 'A copy of your whole activity history, as JSON or CSV.',
  downloadJson: 'Download JSON',
  downloadCsv: 'Download CSV',
  preparing: 'Preparing…',
  eraseTitle: 'Erase your personal data',
  eraseBody: 'Remove what links this history to you. The records stay, anonymized.',
  eraseButton: 'Request erasure',
  eraseConfirm: 'Erase my data',
  eraseWillTitle: 'What will be erased',
  eraseWill1: 'Your user id, IP addresses and device details in these records',
  eraseWill2: 'Personal details such as your email address or name inside them',
  eraseWill3: 'Everything that links the history back to you',
  eraseKeepTitle: 'What will stay',
  eraseKeep1: 'The records themselves, anonymized: the security log is evidence and cannot be altered',
  eraseKeep2: 'Your account itself: closing it is separate',
  erasePending: 'Erasure requested {requested}. It will be carried out on {when}.',
  eraseCompleted: 'Your personal data was erased on {when}.',
  eraseCancel: 'Cancel the request',
  eraseCancelled: 'Your last erasure request was cancelled.',
  eraseRequested: 'Erasure requested.',
};

export default enPrivacy;
