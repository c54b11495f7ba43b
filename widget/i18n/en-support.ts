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
  support_viewed_agent: 'Support viewed the customer’s {what}',
  support_accessed_agent: 'Support accessed the customer’s account',
  support_erasure_agent: 'Support requested erasure of the customer’s personal data',
  support_reported_agent: 'Support reported activity the customer didn’t recognise',
  ev_data_access_agent: 'The customer’s data was viewed',
  ev_data_export_agent: 'The customer’s data was exported',
  ev_activity_reported_agent: 'The customer reported activity that wasn’t them',
  ev_erasure_requested_agent: 'Erasure of the customer’s personal data requested',
  ev_erasure_completed_agent: 'The customer’s personal data was erased',
  ev_log_accessed_agent: 'The customer’s records were looked up in an investigation',
};

export default enSupport;
