// What a key name says about its value. A key that holds a secret ("password", "api_key") hides whatever it
// holds; a key that names a credential loosely ("key", "auth", "card", a vendor) hides key-shaped values;
// a key that only talks about one ("password_policy", "token_count", "card_last4") keeps what is harmless.
import { keyWords } from './normalize.js';

export type SecretKeyKind = 'holder' | 'credential' | 'mention';

/** A word list written as one string, for reading. */
export function list(words: string): string[] {
  return words.split(/\s+/).filter((w) => w !== '');
}

// Matched inside the key with separators removed ("clientSecret", "X-Api-Key", "creditcardnumber").
const HOLDER_PARTS = list(
  'password passwd passphrase passcode clientsecret appsecret apisecret secretkey secretaccess ' +
    'sharedsecret token apikey accesskey privatekey signingkey encryptionkey masterkey licensekey ' +
    'clientkey serverkey appkey authkey sshkey hmackey accountkey credential authorization cookie ' +
    'cardnumber creditcard debitcard cardnum securitycode socialsecurity passportnumber passportno ' +
    'iban accountnumber accountno bankaccount routingnumber sortcode sessionid mfacode otpcode ' +
    'verificationcode recoverycode backupcode taxid taxpayer nationalid driverslicense driverlicense ' +
    'licensenumber pincode bearer privkey passportid securityanswer secretanswer',
);
// Words that would otherwise contain a part by accident.
const NOT_SECRET = list('tokeniz secretary cookiecutter');
// Whole words of the key.
const HOLDER_WORDS = new Set(
  list(
    'pw pwd pass passwd pin otp totp hotp cvv cvc cvv2 cvc2 csc ssn sid jwt pan creds secret secrets ' +
      'itin tin sin nino',
  ),
);
const CREDENTIAL_WORDS = new Set(
  list('key keys auth private card passport signature sig hmac salt license licence dsn'),
);
// Services whose keys have no fixed prefix: their name beside a value says what it is.
const VENDORS = new Set(
  list(
    'twilio datadog dd mailgun mailchimp sendgrid stripe github gitlab slack algolia adafruit ' +
      'airtable asana atlassian jira confluence bitbucket cloudflare codecov cohere coinbase contentful ' +
      'discord dropbox fastly finicity flickr heroku hubspot intercom jfrog artifactory launchdarkly ' +
      'linkedin mapbox mattermost messagebird netlify newrelic okta plaid pusher sentry shopify snyk ' +
      'sonar squarespace telegram travis twitch twitter typeform yandex zendesk aws azure gcp openai ' +
      'anthropic npm pypi vault doppler pulumi postman mixpanel braintree paypal auth0 firebase ' +
      'supabase vercel circleci segment nexmo vonage postmark sparkpost mandrill pagerduty opsgenie ' +
      'newrelic bugsnag rollbar honeycomb',
  ),
);
// Last words that make the key describe a secret rather than hold one.
const DESCRIPTORS = new Set(
  list(
    'policy policies help tip tips file files dir directory var variable rate ratio percent percentage question questions instructions guide docs doc rule rules requirement requirements complexity strength score length len ' +
      'count counts total country countrycode nationality issuing brand network scheme funding ' +
      'issuer bank bin last4 lastfour last four digits type types kind category format version ' +
      'method methods alg algorithm provider providers source name names label description set ' +
      'isset enabled disabled required present exists valid validity verified expired revoked ' +
      'status state result outcome error errors reason message changed updated created at on date ' +
      'time expires expiry expiration exp month year days hours minutes seconds expiresin age ttl ' +
      'lifetime duration reset attempts attempt tries retries failures lockout rotated rotation ' +
      'used issued scope scopes audience url uri endpoint path field fields ref mask masked ' +
      'fingerprint history min max minimum maximum mode level usage limit limits quota remaining ' +
      'size chars characters timeout interval window strategy storage region location env ' +
      'environment owner user username email org repo host project team workspace channel consent ' +
      'banner preference preferences holder holdername wallet flag flags check checks hint , prefix ' +
      'suffix',
  ),
);
// "*_key" names that are not credentials: database, cache and lookup keys.
const HARMLESS_KEY_QUALIFIERS = new Set(
  list(
    'idempotency primary foreign sort partition cache object s3 storage file i18n translation lookup ' +
      'dedupe dedup unique natural composite hot short route group public publishable map range row ' +
      'column index entity resource message event feature flag setting config preference metric label ' +
      'tag field attribute property item record table bucket queue topic stream shard routing cursor ' +
      'page locale lang language trace react list dict json sorting join grouping surrogate candidate ' +
      'business natural api_version',
  ),
);
const PLURAL_HOLDERS = new Set(['tokens', 'passwords', 'secrets', 'cookies', 'keys', 'credentials', 'pins']);

function namesSecret(words: readonly string[]): 'holder' | 'credential' | null {
  let joined = words.join('');
  for (const p of NOT_SECRET) joined = joined.replaceAll(p, '');
  if (HOLDER_PARTS.some((p) => joined.includes(p))) return 'holder';
  if (words.some((w) => HOLDER_WORDS.has(w))) return 'holder';
  if (words.some((w) => CREDENTIAL_WORDS.has(w) || VENDORS.has(w))) return 'credential';
  return null;
}

/** A descriptor at the end of an unseparated key ("passwordpolicy" → "policy"). */
function trailingDescriptor(word: string): string | undefined {
  for (const d of DESCRIPTORS) if (d.length >= 5 && word.length > d.length && word.endsWith(d)) return d;
  return undefined;
}

// Hosts send the same few keys on every event: the verdict is remembered per key (and parent).
const verdicts = new Map<string, SecretKeyKind | null>();

/** How a key name relates to a secret, or null when it names none. `parent` is the enclosing key's words. */
export function secretKeyKind(key: string, parent: readonly string[] = []): SecretKeyKind | null {
  const id = parent.length > 0 ? `${parent.join(' ')}\u0000${key}` : key;
  let kind = verdicts.get(id);
  if (kind === undefined) {
    kind = classify(keyWords(key), parent);
    // Digits for letters ("passw0rd", "t0ken"): a second look with them read as the letters they mimic.
    if (kind !== 'holder' && /\d/.test(key)) {
      const second = classify(keyWords(key).map(unLeet), parent);
      if (second === 'holder' || kind === null) kind = second;
    }
    if (verdicts.size >= 10_000) verdicts.clear();
    verdicts.set(id, kind);
  }
  return kind;
}

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't' };

/** A word of four or more letters with digits among them, digits read as letters; other words as they are. */
function unLeet(word: string): string {
  if (!/\d/.test(word) || (word.match(/[a-z]/g)?.length ?? 0) < 4) return word;
  return word.replace(/[013457]/g, (d) => LEET[d]!);
}

function classify(own: readonly string[], parent: readonly string[]): SecretKeyKind | null {
  if (own.length === 0) return null;
  const last = own[own.length - 1]!;
  const beforeLast = own[own.length - 2];
  if ((last === 'key' || last === 'keys') && beforeLast && HARMLESS_KEY_QUALIFIERS.has(beforeLast))
    return null;
  let words = own;
  let kind = namesSecret(own);
  // "card": {"number": …} is a card number; "passport": {"country": …} a passport's country.
  if (!kind && parent.length > 0) {
    words = [...parent.slice(-2), ...own];
    kind = namesSecret(words);
  }
  if (!kind) return null;
  if (words.join('').endsWith('sessionid') || last === 'sid') return 'holder';
  // "password_policy" talks about a password; "tax_id" needs its last word to name the secret at all.
  const drop = DESCRIPTORS.has(last) ? 1 : DESCRIPTORS.has(`${beforeLast}${last}`) ? 2 : 0;
  if (drop > 0 && words.length > drop && namesSecret(words.slice(0, -drop))) return 'mention';
  // The id of a key, a token or a vendor's object names it without being it ("key_id",
  // "stripe_customer_id"); a passport's or a taxpayer's id is the secret itself.
  if (
    (last === 'id' || last === 'ids') &&
    words.length > 1 &&
    (kind === 'credential' ||
      /(?:token|key|secret|credential|card|cookie)s?$/.test(words.slice(0, -1).join('')))
  )
    return 'mention';
  const tail = trailingDescriptor(last);
  if (tail && namesSecret([last.slice(0, -tail.length)])) return 'mention';
  return kind;
}

/** Whether a holder key is a plural that may hold a count ("tokens": 1500). */
export function isPluralHolder(key: string): boolean {
  const words = keyWords(key);
  return PLURAL_HOLDERS.has(words[words.length - 1] ?? '');
}

export function isSecretKey(key: string): boolean {
  const kind = secretKeyKind(key);
  return kind === 'holder' || kind === 'credential';
}

export { keyWords };
