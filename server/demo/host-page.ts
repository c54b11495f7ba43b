// The demo host application: a bookshop's "Account › Security" page embedding <activity-log>, and its
// support console. Static HTML; the only value put into it (the title) is escaped.
import { DEMO_USER } from './seed.js';

export interface HostPageOptions {
  title?: string;
  /** The log's verifier key (`GET /v1/log/key`): the component then checks every entry it shows. */
  logKey?: string;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );
}

const STYLE = `
  :root {
    color-scheme: light dark;
    --bg: #f7f7f4; --card: #fff; --text: #1c1b18; --muted: #5c5a53; --line: #dedbd2; --brand: #0f766e;
    --receipts-color-accent: #0f766e;
    --receipts-color-on-accent: #fff;
    --receipts-color-background: #fff;
    font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  }
  @media (prefers-color-scheme: dark) {
    :root {
      --bg: #11130f; --card: #0d1117; --text: #ecebe6; --muted: #a9a69c; --line: #34342e; --brand: #2dd4bf;
      --receipts-color-accent: #2dd4bf;
      --receipts-color-on-accent: #042f2e;
      --receipts-color-background: #0d1117;
    }
  }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--text); }
  a { color: var(--brand); }
  header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 2rem; padding: 0.75rem 2rem; background: var(--card);
    border-bottom: 1px solid var(--line); }
  .logo { font-weight: 700; font-size: 1.125rem; color: var(--text); text-decoration: none; }
  .logo span { color: var(--brand); }
  header.top nav ul { display: flex; gap: 1.25rem; list-style: none; margin: 0; padding: 0; }
  header.top nav a { color: var(--text); text-decoration: none; }
  .who { margin-left: auto; color: var(--muted); }
  .layout { display: grid; grid-template-columns: 12rem minmax(0, 1fr); gap: 2rem; max-width: 90rem; margin: 0 auto;
    padding: 1.5rem 2rem 3rem; }
  main { min-width: 0; }
  /* The component and the "Try it" panel side by side, so what the buttons do is in view. */
  .workspace { display: grid; grid-template-columns: minmax(0, 1fr) 22rem; gap: 1.5rem; align-items: start; }
  .workspace > * { min-width: 0; }
  .try { position: sticky; top: 1rem; }
  #host-status { margin: 0.5rem 0 0; padding: 0; list-style: none; font: 0.8125rem/1.6 ui-monospace, monospace; }
  #host-status .revoked { color: #b42318; font-weight: 700; }
  .email { border: 1px solid var(--line); border-radius: 8px; padding: 0.75rem; font-size: 0.875rem; margin-top: 0.5rem; }
  .email p { margin: 0.25rem 0; }
  .email .from { color: var(--muted); }
  .side ul { list-style: none; margin: 0; padding: 0; }
  .side a { display: block; padding: 0.5rem 0.75rem; border-radius: 6px; color: var(--text); text-decoration: none; }
  .side a[aria-current='page'] { background: var(--card); font-weight: 600; box-shadow: inset 3px 0 var(--brand); }
  .crumbs ol { display: flex; gap: 0.5rem; list-style: none; margin: 0 0 0.5rem; padding: 0; color: var(--muted); }
  .crumbs li + li::before { content: '›'; margin-right: 0.5rem; }
  h1 { margin: 0 0 0.25rem; font-size: 1.75rem; }
  .lead { margin: 0 0 1.5rem; color: var(--muted); }
  .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1.25rem 1.5rem;
    margin-bottom: 1.5rem; }
  .card h2 { margin: 0 0 0.75rem; font-size: 1.125rem; }
  .demo { border-style: dashed; }
  .row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem; }
  button, select, input { font: inherit; color: inherit; padding: 0.5rem 0.875rem; border-radius: 6px;
    border: 1px solid var(--line); background: var(--card); }
  button { cursor: pointer; }
  button.primary { background: var(--brand); border-color: var(--brand); color: var(--card); font-weight: 600; }
  label { font-weight: 600; }
  #status { min-height: 1.5em; margin: 0.75rem 0 0; color: var(--muted); }
  #events { margin: 0.5rem 0 0; padding-left: 1.25rem; font: 0.8125rem/1.5 ui-monospace, monospace; color: var(--muted); }
  footer { text-align: center; color: var(--muted); font-size: 0.875rem; padding-bottom: 2rem; }
  @media (max-width: 72rem) { .workspace { grid-template-columns: minmax(0, 1fr); } .try { position: static; } }
  @media (max-width: 48rem) {
    .layout { grid-template-columns: minmax(0, 1fr); padding: 1rem; }
    .side { display: none; }
    header.top { padding: 0.75rem 1rem; gap: 0.5rem 1rem; }
    .card { padding: 1rem; }
  }
`;

function page(title: string, body: string, script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
<script type="module" src="/widget/activity-log.js"></script>
</head>
<body>
<header class="top">
  <a class="logo" href="/">Northwind <span>Books</span></a>
  <nav aria-label="Shop"><ul><li><a href="/">Browse</a></li><li><a href="/">Orders</a></li><li><a href="/">Wish list</a></li></ul></nav>
  <span class="who">Signed in as Alex Morgan</span>
</header>
${body}
<footer><p>A demo of Receipts. Northwind Books is not a real shop.</p></footer>
<script type="module">
${script}
</script>
</body>
</html>
`;
}

const HOST_BODY = `<div class="layout">
  <nav class="side" aria-label="Account">
    <ul>
      <li><a href="/">Profile</a></li>
      <li><a href="/">Addresses</a></li>
      <li><a href="/">Payment methods</a></li>
      <li><a href="/" aria-current="page">Security</a></li>
      <li><a href="/">Notifications</a></li>
    </ul>
  </nav>
  <main>
    <nav class="crumbs" aria-label="Breadcrumb"><ol><li>Account</li><li aria-current="page">Security</li></ol></nav>
    <h1>Security</h1>
    <p class="lead">See where your account is signed in, and sign out anything you don’t recognise.</p>
    <div class="workspace">
    <section class="card" aria-labelledby="activity-title">
      <h2 id="activity-title">Recent activity and sessions</h2>
      <activity-log api="" secure-account-url="/#change-password"{{log-key}}></activity-log>
      <p class="credit">IP geolocation by <a href="https://db-ip.com">DB-IP</a></p>
    </section>
    <section class="card demo try" aria-labelledby="demo-title">
      <h2 id="demo-title">Try it</h2>
      <div class="row">
        <button type="button" class="primary" id="simulate">Simulate a sign-in from another device</button>
      </div>
      <div class="row">
        <label for="locale">Language</label>
        <select id="locale">
          <option value="en">English</option>
          <option value="de">Deutsch</option>
          <option value="fr">Français</option>
          <option value="es">Español</option>
          <option value="ja">日本語</option>
        </select>
        <a href="/support">Open the support console</a>
      </div>
      <p id="status" role="status"></p>
      <h3>Your backend's view: GET /v1/sessions/:id</h3>
      <p class="lead">What the host's status check says about each simulated sign-in. Sign one out and watch it flip to <code>revoked</code>.</p>
      <ul id="host-status" aria-live="polite"><li>No simulated sign-in yet.</li></ul>
      <h3>The email your backend would send</h3>
      <div id="email" class="email"><p>When a sign-in comes from a new device, the <code>signin.new_device</code> webhook carries a one-time link to sign it out. Simulate a sign-in to see it.</p></div>
      <h3>Events the page received from the component</h3>
      <ul id="events"></ul>
    </section>
    </div>
  </main>
</div>`;

const HOST_SCRIPT = `const el = document.querySelector('activity-log');
el.tokenProvider = async () => (await fetch('/demo/token', { method: 'POST' })).json().then((j) => j.token);

const events = document.getElementById('events');
for (const type of ['session-revoked', 'erasure-requested', 'activity-error']) {
  el.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.textContent = type + ' ' + JSON.stringify(event.detail);
    events.prepend(item);
  });
}

document.getElementById('locale').addEventListener('change', (event) => {
  el.setAttribute('locale', event.target.value);
});

const status = document.getElementById('status');
let simulating = false;
document.getElementById('simulate').addEventListener('click', async () => {
  if (simulating) return;
  simulating = true;
  status.textContent = 'Signing in from another device…';
  try {
    const res = await fetch('/demo/simulate-signin', { method: 'POST' });
    status.textContent = res.ok
      ? 'Someone signed in from another device. Watch it appear under Activity and Sessions.'
      : 'The simulated sign-in failed (HTTP ' + res.status + ').';
    void refreshHost();
  } catch {
    status.textContent = 'Could not reach the server.';
  } finally {
    simulating = false;
  }
});`;

/** The host-side panels: its status check of each simulated session, and the email it would send. */
const HOST_PANELS_SCRIPT = `
const hostStatus = document.getElementById('host-status');
const email = document.getElementById('email');
async function refreshHost() {
  let body;
  try {
    const res = await fetch('/demo/host-status');
    if (!res.ok) return;
    body = await res.json();
  } catch {
    return;
  }
  if (body.sessions.length > 0) {
    hostStatus.replaceChildren(...body.sessions.map((s) => {
      const li = document.createElement('li');
      const state = document.createElement('span');
      state.textContent = s.status + (s.revoked_by ? ' (by ' + s.revoked_by + ')' : '');
      if (s.status === 'revoked') state.className = 'revoked';
      li.append(s.session_id + ': ', state);
      return li;
    }));
  }
  const mail = body.email;
  if (mail) {
    const p = (text, cls) => { const e = document.createElement('p'); e.textContent = text; if (cls) e.className = cls; return e; };
    const link = document.createElement('a');
    link.href = mail.revoke_url;
    link.textContent = 'This wasn’t me: sign that device out';
    const linkP = document.createElement('p');
    linkP.append(link);
    email.replaceChildren(
      p('From: Northwind Books <security@northwind.example>', 'from'),
      p('Subject: New sign-in to your account'),
      p('We noticed a sign-in from ' + mail.device + (mail.place ? ' near ' + mail.place : '') + ' at ' + new Date(mail.occurred_at).toLocaleString() + '.'),
      p('If this was you, there is nothing to do.'),
      linkP,
      p('The link works once, for 7 days.', 'from'),
    );
  }
}
void refreshHost();
setInterval(refreshHost, 2000);
`;

/** The demo host app's "Account › Security" page at `/`, signed in as the demo user. */
/** The page's component checks entries against the log's key, as a host that pins it would. */
function withLogKey(body: string, logKey: string | undefined): string {
  return body.replace('{{log-key}}', logKey ? ` log-key="${escapeHtml(logKey)}"` : '');
}

export function renderHostPage(opts: HostPageOptions = {}): string {
  return page(
    opts.title ?? 'Security · Northwind Books',
    withLogKey(HOST_BODY, opts.logKey),
    HOST_SCRIPT + HOST_PANELS_SCRIPT,
  );
}

const SUPPORT_BODY = `<div class="layout">
  <nav class="side" aria-label="Support">
    <ul>
      <li><a href="/support">Inbox</a></li>
      <li><a href="/support" aria-current="page">Customer lookup</a></li>
      <li><a href="/">Back to the shop</a></li>
    </ul>
  </nav>
  <main>
    <nav class="crumbs" aria-label="Breadcrumb"><ol><li>Support</li><li aria-current="page">Customer lookup</li></ol></nav>
    <h1>Customer lookup</h1>
    <p class="lead">Every look at a customer’s account is recorded with its ticket, and the customer sees it in their own activity.</p>
    <section class="card" aria-labelledby="lookup-title">
      <h2 id="lookup-title">Find a customer</h2>
      <form id="lookup" class="row">
        <label for="user">Customer user id</label>
        <input id="user" name="user" autocomplete="off" required readonly aria-describedby="lookup-note" value="${escapeHtml(DEMO_USER)}">
        <button type="submit" class="primary">Look up</button>
      </form>
      <p id="lookup-note">This demo console's token is good for the demo customer only.</p>
    </section>
    <section class="card" aria-labelledby="account-title">
      <h2 id="account-title">Account activity</h2>
      <activity-log api="" mode="support"{{log-key}}></activity-log>
    </section>
  </main>
</div>`;

const SUPPORT_SCRIPT = `const el = document.querySelector('activity-log');
el.tokenProvider = async () =>
  (await fetch('/demo/token?scope=support', { method: 'POST' })).json().then((j) => j.token);

// The token from /demo/token is bound to the demo customer, so that is the one account this page shows.
document.getElementById('lookup').addEventListener('submit', (event) => {
  event.preventDefault();
  el.setAttribute('user-id', ${JSON.stringify(DEMO_USER)});
});`;

/** The demo support console at `/support`: an agent looks up a customer, giving a ticket reference. */
export function renderSupportPage(opts: HostPageOptions = {}): string {
  return page(
    opts.title ?? 'Customer lookup · Northwind Books support',
    withLogKey(SUPPORT_BODY, opts.logKey),
    SUPPORT_SCRIPT,
  ).replace('Signed in as Alex Morgan', 'Support agent: Jamie');
}
