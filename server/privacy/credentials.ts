// Credential shapes: the documented formats of vendors' keys and tokens (prefix, alphabet, length, as
// published in secret scanners' rule sets), and the shape of a generated key that nobody named.
import { base64Text } from './embedded.js';
import { inBothCases, randomLetterBits } from './random-letters.js';

// Formats that are a secret wherever they appear.
/**
 * Formats recognisable by their structure (armour, URL user info, hash markers) or short, each with a
 * literal it cannot match without, so most text skips the regular expression. Always checked.
 */
const STRUCTURAL_PATTERNS: readonly (readonly [string, RegExp])[] = [
  ['eyJ', /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/], // JWT / JWS / JWE
  ['-----BEGIN', /-----BEGIN [A-Z0-9 _-]*PRIVATE KEY( BLOCK)?-----/], // PEM, OpenSSH and PGP private keys
  ['PuTTY', /PuTTY-User-Key-File-\d/],
  ['://', /[a-z][a-z0-9+.-]{0,20}:\/\/[^\s/:@?#{}]{1,256}:[^\s/@?#]{1,256}@/i], // user:password inside a URL
  ['://', /[a-z][a-z0-9+.-]{0,20}:\/\/[A-Za-z0-9_-]{16,256}(?::[A-Za-z0-9_-]{1,256})?@/i], // a key as a URL's user (Sentry DSN)
  ['service_account', /"type"\s*:\s*"service_account"/], // Google service-account JSON
  ['Key=', /\b(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/=]{20,}/], // Azure storage and service bus
  ['$', /\b\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}/], // bcrypt hash of a password
  ['$argon2', /\$argon2(?:id|i|d)\$/],
  // email:password as combo lists have them; not user@host:port, nor git@host:org/repo.
  ['@', /(?:^|\s)[^\s@:]{1,64}@[^\s@:]{1,255}\.[a-z]{2,24}:(?!\d+\b)[^\s@/]{4,256}(?:\s|$)/i],
  ['k_', /\b[spr]k_(?:live|test|prod)_[A-Za-z0-9]{10,}/], // Stripe
  ['xox', /\bxox[abposre]-[A-Za-z0-9-]{10,}/], // Slack
];

/** Vendor formats: each holds a run of 20+ key characters, so text without one skips them all. */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, // AWS access key id
  /\bwhsec_[A-Za-z0-9+/=]{16,}/, // webhook signing secrets
  /\brcpt_(?:ik|ak)_[A-Za-z0-9_-]{16,}/, // Receipts' own ingest and admin keys
  /\bgh[pousr]_[A-Za-z0-9]{30,}/, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bgl(?:pat|dt|ft|rt|soat|cbt|ffct|imt|agent|oas|ptt)-[A-Za-z0-9_-]{20,}/, // GitLab
  /\bGR1348941[A-Za-z0-9_-]{20}/,
  /\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+/i,
  /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{20,}/,
  /\bAIza[A-Za-z0-9_-]{35}/, // Google API key
  /\bya29\.[A-Za-z0-9_-]{20,}/, // Google OAuth access token
  /\bGOCSPX-[A-Za-z0-9_-]{20,}/, // Google OAuth client secret
  /\bsk-(?:ant-[a-z]+\d*-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/, // OpenAI, Anthropic
  /\bnpm_[A-Za-z0-9]{36}\b/,
  /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,}/,
  /\brubygems_[a-f0-9]{48}\b/,
  /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/, // SendGrid
  /\bxkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}/, // Brevo
  /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/, // Shopify
  /\b(?:SK|AC)[0-9a-fA-F]{32}\b/, // Twilio API key, account SID
  /\b(?:pub)?key-[0-9a-f]{32}\b/, // Mailgun
  /\b[0-9a-f]{32}-us\d{1,2}\b/, // Mailchimp
  /\bdo[opr]_v1_[a-f0-9]{64}\b/, // DigitalOcean
  /\bdapi[a-f0-9]{32}\b/, // Databricks
  /\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}/, // Doppler
  /\bdt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}/, // Dynatrace
  /\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/, // Postman
  /\bpul-[a-f0-9]{40}\b/, // Pulumi
  /\blin_(?:api|oauth)_[A-Za-z0-9]{40}\b/, // Linear
  /\bhf_[A-Za-z]{34}\b/, // Hugging Face
  /\bapi_org_[A-Za-z]{34}\b/,
  /\bATATT3[A-Za-z0-9_=-]{100,}/, // Atlassian
  /\bAKCp[A-Za-z0-9]{60,}/, // Artifactory
  /\bcmVmd[A-Za-z0-9]{59}\b/,
  /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/, // age
  /\bA3-[A-Z0-9]{6}-[A-Z0-9]{5,11}-/, // 1Password secret key
  /\bops_eyJ[A-Za-z0-9+/]{50,}/, // 1Password service account
  /\bLTAI[A-Za-z0-9]{20}\b/, // Alibaba Cloud
  /(?:^|[^A-Za-z0-9_~.])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}/, // Azure AD client secret
  /\bv1\.0-[a-f0-9]{24}-[a-f0-9]{100,}/, // Cloudflare origin CA
  /\bEZ[AT]K[A-Za-z0-9]{54}\b/, // EasyPost
  /\bEAA[MC][A-Za-z0-9]{80,}/, // Facebook
  /\bFLW(?:SECK|PUBK)(?:_TEST)?-[a-h0-9]{12,}/i, // Flutterwave
  /\bfio-u-[A-Za-z0-9_=-]{64}/, // Frame.io
  /\bglc_[A-Za-z0-9+/]{32,}/, // Grafana
  /\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b/,
  /\beyJrIjoi[A-Za-z0-9]{50,}/,
  /\b[a-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}/, // Terraform Cloud
  /\bhv[sb]\.[A-Za-z0-9_-]{90,}/, // Vault
  /\bHRKU-AA[A-Za-z0-9_-]{58}\b/, // Heroku
  /\bico-[A-Za-z0-9]{32}\b/, // Infracost
  /\b[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk\b/, // MaxMind
  /\bntn_\d{11}[A-Za-z0-9]{35}\b/, // Notion
  /\bsecret_[A-Za-z0-9]{43}\b/,
  /\bAPI-[A-Z0-9]{26}\b/, // Octopus Deploy
  /\bsha256~[A-Za-z0-9_-]{43}/, // OpenShift
  /\bpplx-[A-Za-z0-9]{48}\b/, // Perplexity
  /\bpscale_(?:tkn|oauth|pw)_[A-Za-z0-9_=.-]{32,64}/, // PlanetScale
  /\bpnu_[A-Za-z0-9]{36}\b/, // Prefect
  /\brdme_[a-z0-9]{70}\b/, // ReadMe
  /\btk-us-[A-Za-z0-9_-]{48}/, // Scalingo
  /\bsntry[su]_[A-Za-z0-9+/=_]{40,}/, // Sentry
  /\bsm_(?:aat|pat|sat)_[A-Za-z0-9]{16}\b/, // SettleMint
  /\bshippo_(?:live|test)_[a-fA-F0-9]{40}\b/, // Shippo
  /\b(?:EAAA|sq0atp-|sq0csp-)[A-Za-z0-9_-]{22,60}/, // Square
  /\bsgp_(?:[a-fA-F0-9]{16}_)?[a-fA-F0-9]{40}\b/, // Sourcegraph
  /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/, // Telegram bot
  /\btfp_[A-Za-z0-9_.=-]{59}/, // Typeform
  /\bNR(?:AK|II|JS)-[A-Za-z0-9-]{19,32}/, // New Relic
  /\bAQVN[A-Za-z0-9_-]{35,38}/, // Yandex
  /\b[MNO][A-Za-z0-9]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}/, // Discord bot
  /\bsl\.[A-Za-z0-9_-]{130,}/, // Dropbox
  /\bduffel_(?:test|live)_[A-Za-z0-9_=-]{43}/, // Duffel
  /\bCLOJARS_[A-Za-z0-9]{60}/i,
  /\bp8e-[A-Za-z0-9]{32}/, // Adobe
  /\b4b1d[A-Za-z0-9]{38}\b/, // ClickHouse Cloud
  /\bAAAA[A-Za-z0-9_-]{7}:[A-Za-z0-9_-]{140}/, // Firebase Cloud Messaging
  /\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b/, // Airtable
  /\bABSK[A-Za-z0-9+/]{100,}/, // Amazon Bedrock
  /\b(?:pat|sat)\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}\b/, // Harness
  /\bs-s4t2(?:ud|af)-[a-f0-9]{64}\b/, // 42 intra
  /\bsk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/, // Mapbox secret token
  /discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{30,}/, // Discord webhook
  /\.webhook\.office\.com\/webhookb2\//, // Microsoft Teams webhook
  /\bAKID[A-Za-z0-9]{32}\b/, // Tencent Cloud
  /\bsbp_[a-f0-9]{40}\b/, // Supabase
  /\bfigd_[A-Za-z0-9_-]{40}/, // Figma
  /\bfo1_[A-Za-z0-9_-]{43}/, // Fly.io
  /\br8_[A-Za-z0-9]{37}\b/, // Replicate
  /\bgsk_[A-Za-z0-9]{52}\b/, // Groq
  /\bxai-[A-Za-z0-9]{80}\b/, // xAI
  /\b[12]\/\d{16}(?:\/\d{16})?:[a-f0-9]{32}\b/, // Asana personal access token
  /\bATBB[A-Za-z0-9]{32}/, // Bitbucket app password
  /\bCFPAT-[A-Za-z0-9_-]{43}/, // Contentful
  /\bpcsk_[A-Za-z0-9_]{40,}/, // Pinecone
  /\blsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}\b/, // LangSmith
  /access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}/, // Braintree
  /\baio_[A-Za-z0-9]{28}\b/, // Adafruit IO
  /\bpat-(?:na|eu)\d-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/, // HubSpot
  /\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}/, // Docker Hub
  /\bbkua_[a-f0-9]{40}\b/, // Buildkite
  /\bCCIPAT_[A-Za-z0-9]{20,}_[a-f0-9]{40}\b/, // CircleCI
  /\brnd_[A-Za-z0-9]{32}\b/, // Render
  /\bnfp_[A-Za-z0-9]{36}\b/, // Netlify
  /\btskey-(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{20,}/, // Tailscale
];

const TOKEN_RUN = /[A-Za-z0-9_+/-]{20,}/;

// An Authorization-style value: the scheme word, then a credential with digits, mixed case or padding
// ("Bearer" then letters and digits, "Basic" then base64 padded with "="), not an English word
// ("token rotation").
const AUTH_VALUE = /\b(?:bearer|basic|digest|token|negotiate|api-?key)\s+([A-Za-z0-9._~+/=-]{8,})/gi;

function containsAuthValue(text: string): boolean {
  for (const m of text.matchAll(AUTH_VALUE)) {
    const v = m[1]!;
    if (/\d/.test(v) || (/[a-z]/.test(v) && /[A-Z]/.test(v.slice(1))) || v.endsWith('=')) return true;
  }
  return false;
}

export function matchesCredentialPattern(text: string): boolean {
  if (STRUCTURAL_PATTERNS.some(([hint, re]) => text.includes(hint) && re.test(text))) return true;
  if (containsAuthValue(text)) return true;
  return TOKEN_RUN.test(text) && TOKEN_PATTERNS.some((re) => re.test(text));
}

export function shannonBits(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const KEYLIKE = /[A-Za-z0-9+/_=-]{32,}/g;
// An alphabet written out ("ABCDEFGH…", "…0123456789") looks random by its entropy, but no generated
// key holds a run of eight in order, and 32 random characters almost never come out all different.
const IN_ORDER = /abcdefgh|ABCDEFGH|01234567|ghijklmn|GHIJKLMN|qrstuvwx|QRSTUVWX/;
const isAlphabet = (run: string) => IN_ORDER.test(run) || new Set(run).size === run.length;
// Judged by its letters, a run must be four times likelier drawn at random than written as words.
// Measured on 20,000 random keys of 32 characters each, the share that slips through: base62 1 in 1,800
// (1 in 130 on entropy alone), letters alone 1 in 340, base32 1 in 36 and base36 1 in 24 (nearly all
// before); at 52 characters 1 in 300 or fewer. Of long names in npm packages' sources and docs, 2 of
// 11,958 digitless ones are caught (a YouTube channel id) and 14 of 50,874 in one case with digits (323
// before, most of them a commit's hash in a URL); of 200,000 camelCase runs of README words, 8.
const LIKELIER_RANDOM_BITS = 2;
// Inside a run, digests and ids between separators (a commit's hash or a UUID in a URL's path, a
// number): hex of 7 or more characters with a digit among them.
const DIGEST_SEGMENT =
  /(?<![A-Za-z0-9])(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[a-f]*\d)[0-9a-f]{7,})(?![A-Za-z0-9])/gi;
const countLetters = (s: string) => s.replace(/[^A-Za-z]/g, '').length;

/** A long generated key nobody named: a run of 32+ key characters that looks drawn at random. */
export function containsHighEntropyKey(text: string): boolean {
  if (text.length < 32) return false;
  for (const match of text.matchAll(KEYLIKE)) {
    if (isAlphabet(match[0])) continue;
    // Base64 of readable text (a cursor, a URL) is judged by what it says, not by how random it looks.
    if (base64Text(match[0].replace(/=+$/, '')) !== null) continue;
    const run = match[0].replace(DIGEST_SEGMENT, '/');
    if (run.length < 24) continue;
    const lower = /[a-z]/.test(run);
    const upper = /[A-Z]/.test(run);
    const digit = /\d/.test(run);
    const beyondHex = /[g-zG-Z]/.test(run);
    const bits = shannonBits(run);
    // Mixed case with digits (base62/base64). Hex digests and UUIDs stay below 4 bits per character.
    if (lower && upper && digit && bits >= 4.2) return true;
    // One case with digits and letters beyond a–f: random base36, not a hex digest.
    if (digit && lower !== upper && beyondHex && bits >= 4.5) return true;
    // Below those entropies random draws and names overlap: a base62 key that drew no digit or few
    // distinct characters, base32 and base36 keys, against camelCase, constants and paths of names.
    // How the letters follow each other tells them apart.
    if (
      (inBothCases(run) || (digit && beyondHex)) &&
      bits >= 3.5 &&
      countLetters(run) >= 16 &&
      randomLetterBits(run) >= LIKELIER_RANDOM_BITS
    )
      return true;
  }
  return false;
}

const HEX32 = /^[0-9a-fA-F]{32,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const VERSION = /^v?\d+(\.\d+){1,3}([-+][\w.]+)?$/;
const PATHLIKE = /^[\w.-]*(\/[\w.-]+)+\.[a-z]{2,5}$|^[a-z]+(_[a-z]+)*(\.[a-z]+(_[a-z]+)*)+$/;

/**
 * A value shaped like a key or token, as a credential-named field would hold one: a single run of
 * key characters with letters and digits, or long enough in mixed case. `strict` asks for generated-key
 * length (16+), for fields whose name only mentions a credential.
 */
export function keyShaped(value: string, strict = false): boolean {
  const v = value.trim();
  if (matchesCredentialPattern(v) || containsHighEntropyKey(v)) return true;
  // A password as people choose one: one word of letters with digits and symbols.
  if (
    !strict &&
    v.length >= 7 &&
    /^[\x21-\x7e]+$/.test(v) &&
    /[A-Za-z]/.test(v) &&
    /\d/.test(v) &&
    /[^A-Za-z0-9]/.test(v)
  )
    return (
      !ISO_DATE.test(v) &&
      !VERSION.test(v) &&
      !PATHLIKE.test(v) &&
      !/^[\w.+-]+@[\w.-]+$/.test(v) &&
      !/^[a-z][a-z0-9+.-]*:\/\/|^\//i.test(v)
    );
  if (!/^[A-Za-z0-9_\-.+/=~:]+$/.test(v)) return false;
  if (HEX32.test(v)) return true;
  if (ISO_DATE.test(v) || VERSION.test(v) || PATHLIKE.test(v)) return false;
  const letters = /[A-Za-z]/.test(v);
  const digits = /\d/.test(v);
  const mixed = /[a-z]/.test(v) && /[A-Z]/.test(v.slice(1));
  if (strict) return v.length >= 16 && ((letters && digits) || mixed) && !UUID.test(v);
  return (v.length >= 7 && letters && digits) || (v.length >= 12 && mixed) || UUID.test(v);
}
