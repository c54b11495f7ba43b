// English for support mode, which is loaded on demand: end users never need these words.
const enSupport = {
  supportTitle: 'Support access',
  supportIntro: 'Every look is recorded and shown to the user with this ticket.',
  reasonLabel: 'Ticket reference',
  reasonHint: 'For example #142',
  continue: 'Continue',
  reasonInvalid: 'Enter a ticket reference of 3 to 200 characters.',
  reasonCharset: 'Use only Latin letters, digits and simple punctuation.',
  supportViewing: 'Viewing {user} for ticket {ticket}',
  changeTicket: 'Change ticket',
  noUser: 'Choose a user to look up.',
};

export default enSupport;
