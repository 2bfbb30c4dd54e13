// Gatehouse console: plain JavaScript, no build step. It talks only to the gateway: /gatehouse/me (the caller's own
// view), /gatehouse/admin (the admin API, enforced by the gateway's activities) and /auth (the browser login).
// Every request rides the HttpOnly jwt-token cookie; writes also carry X-Requested-With, which a cross-site form
// cannot send. Text from the server is always inserted as text, never as HTML.
'use strict';

(function () {
  const ME = '/gatehouse/me';
  const ADMIN = '/gatehouse/admin';
  const WRITE_HEADER = { 'X-Requested-With': 'gatehouse-console' };
  const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  let me = null;

  // ---- DOM helpers -------------------------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else if (key === 'text') el.textContent = value;
      else el.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }
  const $ = (selector, root) => (root || document).querySelector(selector);
  const main = () => $('#main');

  function chips(names, id) {
    return h('ul', { class: 'chips', id }, (names || []).map(name => h('li', {}, name)));
  }

  function status(id) {
    return h('p', { id, class: 'status', role: 'status', 'aria-live': 'polite' });
  }

  function say(el, kind, text) {
    el.className = 'status ' + kind;
    el.textContent = text;
  }

  function when(value) {
    if (!value) return '—';
    const date = new Date(typeof value === 'number' ? value * 1000 : value);
    return isNaN(date) ? String(value) : date.toLocaleString();
  }

  // ---- The API -----------------------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, body) {
      super((body && (body.message || body.error_description || body.error)) || ('The gateway answered ' + status));
      this.status = status;
      this.body = body || {};
    }
  }

  async function api(method, path, body, headers) {
    const init = { method, credentials: 'same-origin', headers: Object.assign({ Accept: 'application/json' }, headers) };
    if (method !== 'GET' && method !== 'HEAD') Object.assign(init.headers, WRITE_HEADER);
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response = await fetch(path, init);
    if (response.status === 401 && await refreshed()) response = await fetch(path, init);
    if (response.status === 401) {
      signIn();
      throw new ApiError(401, { message: 'Signing you in…' });
    }
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = { message: text }; }
    if (!response.ok) throw new ApiError(response.status, json);
    return { status: response.status, body: json, etag: response.headers.get('ETag') };
  }

  // A token refused because permissions changed is renewed from the refresh cookie without a new login.
  let refreshing = null;
  function refreshed() {
    refreshing = refreshing || fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: WRITE_HEADER })
      .then(r => r.ok).catch(() => false).finally(() => setTimeout(() => { refreshing = null; }, 0));
    return refreshing;
  }

  function signIn() {
    window.location.assign('/auth/login?redirect=' + encodeURIComponent(window.location.href));
  }

  // ---- Field errors: the server's message, next to the field it is about ----------------------------------------
  function field(id, label, control, hint) {
    control.id = id;
    control.setAttribute('aria-describedby', id + '-error' + (hint ? ' ' + id + '-hint' : ''));
    return h('div', { class: 'field' },
      h('label', { for: id }, label), control,
      hint ? h('span', { class: 'hint', id: id + '-hint' }, hint) : null,
      h('span', { class: 'field-error', id: id + '-error', 'aria-live': 'polite' }));
  }

  function clearErrors(form) {
    form.querySelectorAll('.field-error').forEach(e => { e.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(e => e.removeAttribute('aria-invalid'));
  }

  function showError(form, fieldId, message, fallback) {
    const target = fieldId && form.querySelector('#' + fieldId + '-error');
    if (target) {
      target.textContent = message;
      const control = form.querySelector('#' + fieldId);
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    } else {
      say(fallback, 'error', message);
    }
  }

  // ---- Views --------------------------------------------------------------------------------------------------
  const views = {
    me: viewMe,
    endpoints: viewEndpoints,
    explain: viewExplain,
    tokens: viewTokens,
    'admin/activities': viewActivities,
    'admin/services': viewServices,
    'admin/import': viewImport,
    'admin/explain': viewAdminExplain,
    'admin/decisions': viewDecisions,
    'admin/robots': viewRobots,
  };

  function page(title, ...content) {
    const m = main();
    m.replaceChildren(h('h1', { id: 'view-title', tabindex: '-1' }, title), ...content.filter(Boolean));
    document.title = title + ' · Gatehouse console';
    // After navigating inside the console, focus moves to the new view's heading; on the first load it stays at the
    // top of the page, so that the keyboard meets the skip link first.
    if (navigated) $('#view-title').focus();
    navigated = true;
  }
  let navigated = false;

  function failed(error) {
    return h('p', { class: 'status error', role: 'alert' }, error.message);
  }

  function viewMe() {
    page('Who I am',
      h('dl', {},
        h('dt', {}, 'Username'), h('dd', { id: 'me-username' }, me.username || me.sub),
        h('dt', {}, 'Email'), h('dd', {}, me.email || '—'),
        h('dt', {}, 'Signed in with'), h('dd', {}, me.credential === 'cookie' ? 'the browser login' : me.credential),
        h('dt', {}, 'Token valid until'), h('dd', {}, when(me.expiresAt))),
      h('h2', {}, 'My roles'), chips(me.roles, 'me-roles'),
      h('h2', {}, 'My effective permissions'),
      h('p', { class: 'hint' }, 'Permissions come from your roles in Keycloak. They decide which endpoints you may call.'),
      chips(me.permissions, 'me-permissions'));
  }

  async function viewEndpoints() {
    page('What I can call', h('p', {}, 'Loading…'));
    try {
      const { body } = await api('GET', ME + '/activities');
      main().lastChild.replaceWith(body.length === 0 ? h('p', {}, 'None of your permissions allows any endpoint yet.')
        : h('table', { id: 'my-activities', class: 'responsive' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Method'), h('th', {}, 'Path (regex)'), h('th', {}, 'What'),
            h('th', {}, 'Allowed by'))),
          h('tbody', {}, body.map(a => h('tr', {},
            h('td', { 'data-label': 'Method' }, h('code', {}, a.method)),
            h('td', { 'data-label': 'Path' }, h('code', {}, a.urlRegex)),
            h('td', { 'data-label': 'What' }, a.description || ''),
            h('td', { 'data-label': 'Allowed by' }, chips(a.grantedBy)))))));
    } catch (e) {
      main().lastChild.replaceWith(failed(e));
    }
  }

  function methodSelect(selected) {
    return h('select', {}, METHODS.map(m => h('option', { value: m, selected: m === selected }, m)));
  }

  function explanation(result, id) {
    const out = h('div', { id, class: 'card', 'aria-live': 'polite' },
      h('p', {}, h('span', { class: result.allowed ? 'allowed' : 'denied' }, result.allowed ? 'Allowed. ' : 'Denied. '),
        result.reason));
    if (result.wouldAllow) {
      out.append(result.wouldAllow.length === 0
        ? h('p', {}, 'No activity matches this method and path at all: the gateway refuses it to everyone.')
        : h('div', {}, h('p', {}, 'It would be allowed by any of these permissions; ask an administrator for a role'
          + ' that carries one:'), h('ul', { class: 'would-allow' }, result.wouldAllow.map(a => h('li', {},
          h('code', {}, a.method + ' ' + a.urlRegex), ' needs ', a.permissions.join(' or ') || 'a permission no one has',
          rolesSentence(a))))));
      if (result.rolesUnknown) {
        out.append(h('p', { class: 'hint', id: 'explain-roles-unknown' }, result.rolesUnknown));
      }
    }
    return out;
  }

  /** "Roles that give it: admin, talent-manager." in plain words, from the answer's rolesCarrying. */
  function rolesSentence(activity) {
    const carrying = activity.rolesCarrying;
    if (!carrying) return '';
    const roles = [...new Set(Object.values(carrying).flat())].sort();
    return h('span', { class: 'roles-carrying' }, roles.length === 0
      ? '. No role carries it yet: an administrator must add it to a role first.'
      : '. Role' + (roles.length === 1 ? '' : 's') + ' that give it: ' + roles.join(', ') + '.');
  }

  function viewExplain() {
    const method = methodSelect('GET');
    const path = h('input', { type: 'text', required: true, placeholder: '/api/v1/users', autocomplete: 'off' });
    const result = h('div', {});
    const problem = status('explain-status');
    const form = h('form', { class: 'card', id: 'explain-form', onsubmit: async (event) => {
      event.preventDefault();
      clearErrors(form);
      problem.textContent = '';
      try {
        const { body } = await api('POST', ME + '/explain', { method: method.value, path: path.value });
        result.replaceChildren(explanation(body, 'explain-result'));
      } catch (e) {
        showError(form, /path/i.test(e.message) ? 'explain-path' : /method/i.test(e.message) ? 'explain-method' : null,
          e.message, problem);
      }
    } },
    h('div', { class: 'row' }, field('explain-method', 'Method', method), field('explain-path', 'Path', path,
      'As your app sends it, e.g. /api/v1/users/42')),
    h('button', { type: 'submit', id: 'explain-submit' }, 'Explain'), problem);
    page('Why was I denied?', h('p', {}, 'Ask the gateway whether your own permissions allow a call, and what would.'),
      form, result);
  }

  async function viewTokens() {
    const name = h('input', { type: 'text', required: true, maxlength: '100', autocomplete: 'off' });
    const expires = h('input', { type: 'date' });
    const shown = h('div', { id: 'new-token-area' });
    const problem = status('token-status');
    const list = h('div', { id: 'token-list-area' }, h('p', {}, 'Loading…'));
    const form = h('form', { class: 'card', id: 'token-form', onsubmit: async (event) => {
      event.preventDefault();
      clearErrors(form);
      problem.textContent = '';
      const request = { name: name.value };
      if (expires.value) request.expiresAt = new Date(expires.value + 'T23:59:59Z').toISOString().replace('.000', '');
      try {
        const { body } = await api('POST', ME + '/api-tokens', request);
        name.value = '';
        expires.value = '';
        showNewToken(shown, body);
        await loadTokens(list, problem);
      } catch (e) {
        showError(form, /expiresAt/.test(e.message) ? 'token-expires' : /name/i.test(e.message) ? 'token-name' : null,
          e.message, problem);
      }
    } },
    h('div', { class: 'row' }, field('token-name', 'Name', name, 'What the token is for, e.g. "reporting script"'),
      field('token-expires', 'Expires on (optional)', expires)),
    h('button', { type: 'submit', id: 'token-create' }, 'Create token'));
    page('My API tokens', h('p', {}, 'API tokens let a program call the gateway as you, with your current permissions.'
      + ' Send one as "Authorization: Bearer <token>". Revoke a token you no longer need.'), form, shown, problem,
      h('h2', {}, 'Tokens'), list);
    await loadTokens(list, problem);
  }

  // The token is in this answer only: shown once, never stored by the console, gone when the page changes.
  function showNewToken(area, created) {
    const secret = h('input', { type: 'text', id: 'new-token', readonly: true, value: created.token,
      'aria-label': 'The new API token' });
    const copied = h('span', { class: 'hint', 'aria-live': 'polite' });
    area.replaceChildren(h('div', { class: 'card', role: 'region', 'aria-label': 'New API token' },
      h('p', {}, h('strong', {}, 'Copy the token "' + created.name + '" now: it is shown only once.')),
      h('div', { class: 'secret' }, secret, h('button', { type: 'button', id: 'copy-token', class: 'secondary',
        onclick: async () => {
          secret.select();
          try { await navigator.clipboard.writeText(secret.value); copied.textContent = 'Copied.'; }
          catch (e) { copied.textContent = 'Select the text and copy it (Ctrl+C).'; }
        } }, 'Copy'), copied),
      h('button', { type: 'button', class: 'secondary small', onclick: () => area.replaceChildren() }, 'Done, hide it')));
    secret.focus();
    secret.select();
  }

  async function loadTokens(list, problem) {
    try {
      const { body } = await api('GET', ME + '/api-tokens');
      list.replaceChildren(body.length === 0 ? h('p', { id: 'no-tokens' }, 'You have no API tokens.')
        : h('table', { id: 'token-list', class: 'responsive' },
          h('thead', {}, h('tr', {}, ['Name', 'Created', 'Expires', 'Last used', ''].map(t => h('th', {}, t)))),
          h('tbody', {}, body.map(t => h('tr', { 'data-token-id': t.id, 'data-token-name': t.name },
            h('td', { 'data-label': 'Name' }, t.name),
            h('td', { 'data-label': 'Created' }, when(t.createdAt)),
            h('td', { 'data-label': 'Expires' }, t.expiresAt ? when(t.expiresAt) : 'never'),
            h('td', { 'data-label': 'Last used', class: 'last-used' }, t.lastUsedAt ? when(t.lastUsedAt) : 'never'),
            h('td', {}, confirmButton('Revoke', 'Really revoke "' + t.name + '"?', 'revoke', async () => {
              try {
                await api('DELETE', ME + '/api-tokens/' + encodeURIComponent(t.id));
                say(problem, 'ok', 'Revoked "' + t.name + '". Programs using it are refused from now on.');
                await loadTokens(list, problem);
              } catch (e) { say(problem, 'error', e.message); }
            })))))));
    } catch (e) {
      list.replaceChildren(failed(e));
    }
  }

  // Destructive actions take two clicks (no browser dialogs: they block, and they are easy to click through).
  function confirmButton(label, armedLabel, className, action) {
    const button = h('button', { type: 'button', class: 'danger small ' + className });
    button.textContent = label;
    button.addEventListener('click', () => {
      if (!button.hasAttribute('data-armed')) {
        button.setAttribute('data-armed', '');
        button.textContent = armedLabel;
        return;
      }
      button.disabled = true;
      action();
    });
    button.addEventListener('blur', () => {
      if (!button.disabled) { button.removeAttribute('data-armed'); button.textContent = label; }
    });
    return button;
  }

  // ---- Administrators -----------------------------------------------------------------------------------------
  // Robot users: accounts for third parties that reach the system only through API tokens. The gateway calls
  // Keycloak for them with its own service account (the administrator's token has no Keycloak admin role).
  async function viewRobots() {
    const username = h('input', { type: 'text', required: true, maxlength: '63', autocomplete: 'off' });
    const description = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
    const problem = status('robot-status');
    const shown = h('div', { id: 'new-token-area' });
    const list = h('div', { id: 'robot-list-area' }, h('p', {}, 'Loading…'));
    const form = h('form', { class: 'card', id: 'robot-form', onsubmit: async (event) => {
      event.preventDefault();
      clearErrors(form);
      problem.textContent = '';
      const request = { username: username.value };
      if (description.value) request.description = description.value;
      try {
        await api('POST', ADMIN + '/robots', request);
        say(problem, 'ok', 'Created robot "' + username.value + '". Give it roles below, then issue a token.');
        username.value = '';
        description.value = '';
        await loadRobots(list, shown, problem);
      } catch (e) {
        showError(form, /username|name/i.test(e.message) ? 'robot-username'
          : /description/i.test(e.message) ? 'robot-description' : null, e.message, problem);
      }
    } },
    h('div', { class: 'row' }, field('robot-username', 'Username', username, 'Lower case, e.g. partner-acme'),
      field('robot-description', 'Description (optional)', description, 'Who uses it, for what')),
    h('button', { type: 'submit', id: 'robot-create' }, 'Create robot'));
    page('Robot users', h('p', {}, 'A robot user cannot sign in: a third party reaches the system only through the'
      + ' API tokens you issue here, with the robot\'s roles (new robots get the realm\'s default roles; give or take'
      + ' application roles below).'), form, problem, shown, h('h2', {}, 'Robots'), list);
    await loadRobots(list, shown, problem);
  }

  async function loadRobots(list, shown, problem) {
    try {
      const { body } = await api('GET', ADMIN + '/robots');
      list.replaceChildren(body.length === 0 ? h('p', { id: 'no-robots' }, 'There are no robot users yet.')
        : h('div', { id: 'robot-list' }, body.map(robot => robotCard(robot, shown, problem))));
    } catch (e) {
      list.replaceChildren(failed(e));
    }
  }

  function robotCard(robot, shown, problem) {
    const tokens = h('div', { class: 'robot-tokens' });
    const name = h('input', { type: 'text', required: true, maxlength: '100', autocomplete: 'off' });
    const fieldId = 'robot-token-name-' + robot.id;
    const form = h('form', { class: 'row', onsubmit: async (event) => {
      event.preventDefault();
      clearErrors(form);
      try {
        const { body } = await api('POST', ADMIN + '/robots/' + encodeURIComponent(robot.id) + '/tokens',
          { name: name.value });
        name.value = '';
        showNewToken(shown, body);
        await loadRobotTokens(robot, tokens, problem);
      } catch (e) { showError(form, fieldId, e.message, problem); }
    } }, field(fieldId, 'New token name', name), h('button', { type: 'submit', class: 'issue-token' }, 'Issue token'));
    const roles = h('div', { class: 'robot-roles' });
    const card = h('section', { class: 'card', 'data-robot': robot.username },
      h('h3', {}, robot.username), robot.description ? h('p', {}, robot.description) : null, roles, form, tokens);
    loadRobotRoles(robot, roles, problem);
    loadRobotTokens(robot, tokens, problem);
    return card;
  }

  // A robot's realm roles: given and taken here (never a person's: the server refuses), with the server's reasons.
  async function loadRobotRoles(robot, area, problem) {
    const url = ADMIN + '/robots/' + encodeURIComponent(robot.id) + '/roles';
    const render = (listing) => {
      const held = new Set(listing.assigned.map(r => r.name));
      const fieldId = 'robot-role-' + robot.id;
      // The gateway marks the roles it would refuse ("refused") or cannot check now ("unchecked"): they stay in the
      // list, disabled and said so in words, with the reason below, so that nobody wonders where a role went.
      const offered = listing.assignable.filter(r => !held.has(r.name));
      const withheld = offered.filter(r => r.refused || r.unchecked);
      const choice = h('select', {}, h('option', { value: '' }, 'Choose a role…'),
        offered.map(r => h('option', { value: r.name, disabled: Boolean(r.refused || r.unchecked) },
          r.name + (r.description ? ' — ' + r.description : '')
            + (r.refused ? ' (not for robots)' : r.unchecked ? ' (cannot be checked now)' : ''))));
      const withheldNote = withheld.length === 0 ? null
        : h('div', { class: 'hint withheld-roles', id: fieldId + '-withheld' }, 'Listed but not offered:',
          h('ul', {}, withheld.map(r => h('li', { 'data-withheld-role': r.name },
            r.name + ': ' + (r.refused || r.unchecked)))));
      const form = h('form', { class: 'row give-role-form', onsubmit: async (event) => {
        event.preventDefault();
        clearErrors(form);
        if (!choice.value) { showError(form, fieldId, 'Choose a role to give.', problem); return; }
        try {
          render((await api('PUT', url + '/' + encodeURIComponent(choice.value))).body);
          say(problem, 'ok', 'Gave ' + robot.username + ' the role ' + choice.value + '.');
        } catch (e) { showError(form, fieldId, e.message, problem); }
      } }, field(fieldId, 'Give a role', choice, 'Application roles only: never roles that administer Keycloak or'
        + ' Gatehouse, nor the default role.'),
      h('button', { type: 'submit', class: 'give-role secondary' }, 'Give role'));
      if (withheldNote) {
        choice.setAttribute('aria-describedby', choice.getAttribute('aria-describedby') + ' ' + withheldNote.id);
      }
      // A held role the gateway would never give (given in Keycloak's own console) is warned of in words, not colour.
      const dangerous = listing.assigned.filter(r => r.warning);
      const warning = dangerous.length === 0 ? null
        : h('div', { class: 'status error robot-role-warning', role: 'alert' }, 'Take these roles away unless'
          + ' intended:', h('ul', {}, dangerous.map(r => h('li', { 'data-warned-role': r.name },
            r.name + ': ' + r.warning))));
      // replaceChildren (unlike h) would write an absent part as the text "null": absent parts are left out.
      area.replaceChildren(...[h('h4', {}, 'Roles'), warning,
        listing.assigned.length === 0 ? h('p', { class: 'hint' }, 'No roles.')
          : h('ul', { class: 'chips robot-role-list' }, listing.assigned.map(r => h('li', { 'data-role': r.name },
            r.name + (r.warning ? ' (opens the admin API)' : ''),
            listing.assignable.some(a => a.name === r.name)
              ? h('button', { type: 'button', class: 'remove-role', 'data-role': r.name,
                'aria-label': 'Take ' + r.name + ' from ' + robot.username, onclick: async () => {
                  try {
                    render((await api('DELETE', url + '/' + encodeURIComponent(r.name))).body);
                    say(problem, 'ok', 'Took the role ' + r.name + ' from ' + robot.username + '.');
                  } catch (e) { say(problem, 'error', e.message); }
                } }, '×') : null))),
        form, withheldNote].filter(Boolean));
    };
    try {
      render((await api('GET', url)).body);
    } catch (e) {
      area.replaceChildren(failed(e));
    }
  }

  async function loadRobotTokens(robot, area, problem) {
    const url = ADMIN + '/robots/' + encodeURIComponent(robot.id) + '/tokens';
    try {
      const { body } = await api('GET', url);
      area.replaceChildren(body.length === 0 ? h('p', { class: 'no-robot-tokens' }, 'No API tokens.')
        : h('table', { class: 'responsive robot-token-list' },
          h('thead', {}, h('tr', {}, ['Token', 'Created', 'Last used', ''].map(t => h('th', {}, t)))),
          h('tbody', {}, body.map(t => h('tr', { 'data-token-name': t.name },
            h('td', { 'data-label': 'Token' }, t.name),
            h('td', { 'data-label': 'Created' }, when(t.createdAt)),
            h('td', { 'data-label': 'Last used' }, t.lastUsedAt ? when(t.lastUsedAt) : 'never'),
            h('td', {}, confirmButton('Revoke', 'Really revoke "' + t.name + '"?', 'revoke', async () => {
              try {
                await api('DELETE', url + '/' + encodeURIComponent(t.id));
                say(problem, 'ok', 'Revoked "' + t.name + '" of ' + robot.username + '.');
                await loadRobotTokens(robot, area, problem);
              } catch (e) { say(problem, 'error', e.message); }
            })))))));
    } catch (e) {
      area.replaceChildren(failed(e));
    }
  }

  function activityField(message) {
    if (/url ?regex|serviceRegex/i.test(message)) return 'activity-regex';
    if (/permission/i.test(message)) return 'activity-permissions';
    if (/\bmethod\b/i.test(message)) return 'activity-method';
    if (/description/i.test(message)) return 'activity-description';
    if (/service/i.test(message)) return 'activity-service';
    return null;
  }

  function activityForm(existing, done) {
    const method = methodSelect(existing ? existing.method : 'GET');
    const regex = h('input', { type: 'text', required: true, autocomplete: 'off', value: existing ? existing.urlRegex : '',
      placeholder: '/api/v1/things/[^/?#]+' });
    const description = h('input', { type: 'text', autocomplete: 'off', value: existing ? existing.description || '' : '' });
    const permissions = h('input', { type: 'text', autocomplete: 'off',
      value: existing ? existing.permissions.join(', ') : '', placeholder: 'view-things, manage-things' });
    const service = h('input', { type: 'text', autocomplete: 'off', value: existing ? existing.service || '' : '' });
    const shadow = h('input', { type: 'checkbox', id: 'activity-shadow', checked: existing ? existing.shadow : false });
    const problem = status('activity-status');
    const form = h('form', { class: 'card', id: 'activity-form', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      clearErrors(form);
      problem.textContent = '';
      const body = { method: method.value, urlRegex: regex.value, description: description.value,
        permissions: permissions.value.split(',').map(p => p.trim()).filter(p => p), shadow: shadow.checked };
      if (service.value.trim()) body.service = service.value.trim();
      try {
        if (existing) {
          const current = await api('GET', ADMIN + '/activities/' + existing.id);
          await api('PUT', ADMIN + '/activities/' + existing.id, Object.assign({ id: existing.id }, body),
            { 'If-Match': current.etag });
        } else {
          await api('POST', ADMIN + '/activities', body);
        }
        done(existing ? 'Saved activity ' + existing.id + '.' : 'Created the activity.');
      } catch (e) {
        showError(form, e.body.error === 'unknown_permission' ? 'activity-permissions' : activityField(e.message),
          e.message, problem);
      }
    } },
    h('h2', {}, existing ? 'Edit activity ' + existing.id : 'New activity'),
    h('div', { class: 'row' }, field('activity-method', 'Method', method),
      field('activity-regex', 'URL regex', regex, 'Matched against the whole normalised path.')),
    field('activity-description', 'Description', description),
    h('div', { class: 'row' }, field('activity-permissions', 'Permissions', permissions, 'Comma separated.'),
      field('activity-service', 'Service (optional)', service)),
    h('div', { class: 'field' }, h('label', {}, shadow, ' Shadow (measured, not enforced)')),
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'activity-save' }, existing ? 'Save' : 'Create'),
      existing ? h('button', { type: 'button', class: 'secondary', onclick: () => done(null) }, 'Cancel') : null),
    problem);
    return form;
  }

  async function viewActivities(notice) {
    const problem = status('activities-status');
    if (typeof notice === 'string') say(problem, 'ok', notice);
    const formArea = h('div', {});
    const tableArea = h('div', {}, h('p', {}, 'Loading…'));
    const reload = (message) => viewActivities(message);
    formArea.append(activityForm(null, reload));
    page('Activities', h('p', {}, 'An activity is a method and a URL regex, linked to the permissions that allow it.'),
      problem, formArea, h('h2', {}, 'All activities'), tableArea);
    let activities;
    try {
      activities = (await api('GET', ADMIN + '/activities')).body;
    } catch (e) {
      tableArea.replaceChildren(failed(e));
      return;
    }
    tableArea.replaceChildren(h('table', { id: 'activities', class: 'responsive' },
      h('thead', {}, h('tr', {}, ['Id', 'Method', 'URL regex', 'Permissions', ''].map(t => h('th', {}, t)))),
      h('tbody', {}, activities.map(a => activityRow(a, problem, reload, formArea)))));
  }

  function activityRow(a, problem, reload, formArea) {
    const linkInput = h('input', { type: 'text', 'aria-label': 'Permission to link to activity ' + a.id,
      placeholder: 'permission', autocomplete: 'off' });
    const linkError = h('span', { class: 'field-error', 'aria-live': 'polite' });
    const link = h('form', { class: 'inline-form link-permission', onsubmit: async (event) => {
      event.preventDefault();
      linkError.textContent = '';
      linkInput.removeAttribute('aria-invalid');
      try {
        await api('PUT', ADMIN + '/activities/' + a.id + '/permissions/' + encodeURIComponent(linkInput.value.trim()));
        reload('Linked ' + linkInput.value.trim() + ' to activity ' + a.id + '.');
      } catch (e) {
        linkError.textContent = e.message;
        linkInput.setAttribute('aria-invalid', 'true');
        linkInput.focus();
      }
    } }, linkInput, h('button', { type: 'submit', class: 'small secondary' }, 'Link'), linkError);
    return h('tr', { 'data-activity-id': a.id, 'data-method': a.method, 'data-regex': a.urlRegex },
      h('td', { 'data-label': 'Id' }, String(a.id), a.shadow ? h('span', { class: 'hint' }, ' shadow') : null),
      h('td', { 'data-label': 'Method' }, h('code', {}, a.method)),
      h('td', { 'data-label': 'URL regex' }, h('code', {}, a.urlRegex), a.description ? h('div', { class: 'hint' }, a.description) : null),
      h('td', { 'data-label': 'Permissions' }, h('ul', { class: 'chips' }, a.permissions.map(p => h('li', {}, p,
        h('button', { type: 'button', class: 'unlink', 'data-permission': p, 'aria-label': 'Unlink ' + p + ' from activity ' + a.id,
          onclick: async () => {
            try {
              await api('DELETE', ADMIN + '/activities/' + a.id + '/permissions/' + encodeURIComponent(p));
              reload('Unlinked ' + p + ' from activity ' + a.id + '.');
            } catch (e) { say(problem, 'error', e.message); }
          } }, '×')))), link),
      h('td', {}, h('button', { type: 'button', class: 'small secondary edit', onclick: () => {
        formArea.replaceChildren(activityForm(a, (message) => message ? reload(message) : reload()));
        $('#activity-regex').focus();
      } }, 'Edit'), ' ', confirmButton('Delete', 'Really delete?', 'delete', async () => {
        try {
          await api('DELETE', ADMIN + '/activities/' + a.id);
          reload('Deleted activity ' + a.id + '.');
        } catch (e) { say(problem, 'error', e.message); }
      })));
  }

  async function viewServices(notice) {
    const problem = status('services-status');
    if (typeof notice === 'string') say(problem, 'ok', notice);
    const servicesArea = h('div', {}, h('p', {}, 'Loading…'));
    const shadowArea = h('div', {}, h('p', {}, 'Loading…'));
    page('Services and shadow activities', problem, h('h2', {}, 'Services'), servicesArea,
      h('h2', {}, 'Shadow activities'), h('p', { class: 'hint' }, 'Shadow activities are measured on every request but'
        + ' not enforced. Promote one to enforce it.'), shadowArea);
    try {
      const services = (await api('GET', ADMIN + '/services')).body;
      servicesArea.replaceChildren(services.length === 0 ? h('p', {}, 'No stored services (routes from the'
        + ' configuration file still apply).') : h('table', { id: 'services', class: 'responsive' },
        h('thead', {}, h('tr', {}, ['Name', 'Route prefix', 'Upstreams', 'Timeout'].map(t => h('th', {}, t)))),
        h('tbody', {}, services.map(s => h('tr', {}, h('td', { 'data-label': 'Name' }, s.name),
          h('td', { 'data-label': 'Prefix' }, h('code', {}, s.routePrefix)),
          h('td', { 'data-label': 'Upstreams' }, s.upstreams.join(', ')),
          h('td', { 'data-label': 'Timeout' }, s.timeoutMillis ? s.timeoutMillis + ' ms' : '—'))))));
    } catch (e) {
      servicesArea.replaceChildren(failed(e));
    }
    try {
      const shadows = (await api('GET', ADMIN + '/activities')).body.filter(a => a.shadow);
      shadowArea.replaceChildren(shadows.length === 0 ? h('p', {}, 'No shadow activities.')
        : h('table', { id: 'shadows', class: 'responsive' }, h('tbody', {}, shadows.map(a => h('tr', {},
          h('td', {}, h('code', {}, a.method + ' ' + a.urlRegex)), h('td', {}, a.permissions.join(', ')),
          h('td', {}, h('button', { type: 'button', class: 'small', onclick: async () => {
            try {
              await api('POST', ADMIN + '/activities/' + a.id + '/promote');
              viewServices('Promoted activity ' + a.id + ': it is enforced now.');
            } catch (e) { say(problem, 'error', e.message); }
          } }, 'Promote')))))));
    } catch (e) {
      shadowArea.replaceChildren(failed(e));
    }
  }

  function viewAdminExplain() {
    const kind = h('select', {}, h('option', { value: 'user' }, 'User (username)'),
      h('option', { value: 'client' }, 'Service account (client id)'),
      h('option', { value: 'role' }, 'Role'), h('option', { value: 'permissions' }, 'Permissions (comma separated)'));
    const who = h('input', { type: 'text', required: true, autocomplete: 'off' });
    const method = methodSelect('GET');
    const path = h('input', { type: 'text', required: true, autocomplete: 'off', placeholder: '/api/v1/users' });
    const result = h('div', {});
    const problem = status('ax-status');
    const form = h('form', { class: 'card', id: 'admin-explain-form', onsubmit: async (event) => {
      event.preventDefault();
      clearErrors(form);
      problem.textContent = '';
      const subject = kind.value === 'permissions'
        ? { permissions: who.value.split(',').map(p => p.trim()).filter(p => p) } : { [kind.value]: who.value.trim() };
      try {
        const { body } = await api('POST', ADMIN + '/policy-tests',
          { cases: [{ who: subject, method: method.value, path: path.value, expected: 'allow' }] });
        const c = body.cases[0];
        result.replaceChildren(explanation({ allowed: c.actual === 'allow', reason: c.reason }, 'ax-result'));
      } catch (e) {
        showError(form, /path/i.test(e.message) ? 'ax-path' : /who|user|client|role|permission/i.test(e.message)
          ? 'ax-who' : null, e.message, problem);
      }
    } },
    h('div', { class: 'row' }, field('ax-kind', 'Who', kind), field('ax-who', 'Name', who)),
    h('div', { class: 'row' }, field('ax-method', 'Method', method), field('ax-path', 'Path', path)),
    h('button', { type: 'submit', id: 'ax-submit' }, 'Explain'), problem);
    page('Explain for anyone', h('p', {}, 'Decide a call for any user, service account, role or permission set,'
      + ' with the same decision code as real requests.'), form, result);
  }

  // The decision log (issue #16): stored decisions when the gateway keeps them in PostgreSQL (audit.postgres.enabled);
  // otherwise the server says so, and how to turn it on.
  async function viewDecisions() {
    const subject = h('input', { type: 'text', autocomplete: 'off', placeholder: 'user id (sub)' });
    const username = h('input', { type: 'text', autocomplete: 'off', placeholder: 'alice' });
    const decision = h('select', {}, h('option', { value: '' }, 'Any'),
      ['allowed', 'denied', 'unauthenticated', 'unavailable'].map(d => h('option', { value: d }, d)));
    const area = h('div', { id: 'decisions-area' }, h('p', {}, 'Loading…'));
    const problem = status('decisions-status');
    const search = async () => {
      const query = new URLSearchParams();
      if (subject.value.trim()) query.set('subject', subject.value.trim());
      if (username.value.trim()) query.set('username', username.value.trim());
      if (decision.value) query.set('decision', decision.value);
      clearErrors(form);
      problem.textContent = '';
      try {
        const { body } = await api('GET', ADMIN + '/decisions' + (query.toString() ? '?' + query : ''));
        const records = body.decisions || [];
        area.replaceChildren(h('p', { class: 'hint', id: 'decisions-window' }, records.length + ' decision(s) from '
          + when(body.since) + ' to ' + when(body.until) + ', newest first.'),
          records.length === 0 ? h('p', { id: 'no-decisions' }, 'No decisions match.')
          : h('table', { id: 'decisions', class: 'responsive' },
            h('thead', {}, h('tr', {}, ['Time', 'Who', 'Request', 'Decision', 'Why'].map(t => h('th', {}, t)))),
            h('tbody', {}, records.map(r => h('tr', { 'data-decision': r.decision, 'data-subject': r.subject || '',
              'data-path': r.path || '' },
              h('td', { 'data-label': 'Time' }, when(r.time)),
              h('td', { 'data-label': 'Who' }, r.username || r.subject || r.client || '—'),
              h('td', { 'data-label': 'Request' }, h('code', {}, (r.method || '') + ' ' + (r.path || ''))),
              h('td', { 'data-label': 'Decision' }, h('span', { class: r.decision === 'allowed' ? 'allowed' : 'denied' },
                r.decision + (r.status ? ' (' + r.status + ')' : ''))),
              h('td', { 'data-label': 'Why' }, r.reason || '', r.permission ? ' — ' + r.permission : ''))))));
      } catch (e) {
        if (e.status === 404) {
          form.hidden = true;
          area.replaceChildren(h('p', { id: 'decisions-unavailable', class: 'card unavailable' },
            'The decision log is off on this gateway. ', e.message));
        } else {
          showError(form, /\bsubject\b/.test(e.message) ? 'decisions-subject' : /username/.test(e.message)
            ? 'decisions-username' : /decision/.test(e.message) ? 'decisions-decision' : null, e.message, problem);
          area.replaceChildren();
        }
      }
    };
    const form = h('form', { class: 'card', id: 'decisions-form', onsubmit: (event) => { event.preventDefault(); search(); } },
      h('div', { class: 'row' }, field('decisions-subject', 'Subject', subject),
        field('decisions-username', 'Username', username), field('decisions-decision', 'Decision', decision)),
      h('button', { type: 'submit', id: 'decisions-search' }, 'Search the last hour'), problem);
    page('Decision log', h('p', {}, 'Who was allowed or refused what, and why, as this gateway recorded it.'), form, area);
    await search();
  }

  // ---- OpenAPI import: a service's activities from its spec, reviewed as a plan, then applied -------------------
  // The spec's text is sent (pasted, or read from a local file with FileReader); the gateway fetches no URL.
  async function viewImport() {
    const service = h('select', { required: true });
    const spec = h('textarea', { rows: '14', spellcheck: 'false', class: 'mono',
      placeholder: 'openapi: 3.0.3\ninfo: {title: billing, version: "1"}\npaths: …' });
    const file = h('input', { type: 'file', accept: '.yaml,.yml,.json,application/json,application/yaml' });
    const map = h('textarea', { rows: '3', spellcheck: 'false', class: 'mono', placeholder: 'listInvoices: [view-invoices]' });
    const unmapped = h('select', {}, h('option', { value: 'fail' }, 'Refuse the import'),
      h('option', { value: 'skip' }, 'Leave them out (the gateway refuses them)'));
    const prune = h('input', { type: 'checkbox', id: 'import-prune' });
    const problem = status('import-status');
    const result = h('div', { id: 'import-result-area' });
    const apply = h('button', { type: 'button', id: 'import-apply', disabled: true }, 'Apply');
    let planned = null; // the request whose plan is shown; Apply sends exactly it, or re-plans when anything changed

    const request = (dryRun) => {
      const body = { spec: spec.value, dryRun, unmapped: unmapped.value, prune: prune.checked };
      if (map.value.trim()) body.permissionsMap = map.value;
      return body;
    };
    const sameAsPlanned = () => planned && planned.service === service.value
      && JSON.stringify(planned.body) === JSON.stringify(request(true));
    const invalidate = () => { if (!sameAsPlanned()) apply.disabled = true; };
    [spec, map, unmapped, prune, service].forEach(el => el.addEventListener('input', invalidate));
    [unmapped, prune, service].forEach(el => el.addEventListener('change', invalidate));

    file.addEventListener('change', () => {
      const chosen = file.files && file.files[0];
      if (!chosen) return;
      const reader = new FileReader();
      reader.onload = () => { spec.value = String(reader.result); invalidate(); say(problem, 'ok', 'Read ' + chosen.name + '.'); };
      reader.onerror = () => say(problem, 'error', 'Cannot read ' + chosen.name + ': ' + reader.error);
      reader.readAsText(chosen);
    });

    const send = async (dryRun) => {
      clearErrors(form);
      problem.textContent = '';
      const body = request(dryRun);
      const url = ADMIN + '/services/' + encodeURIComponent(service.value) + '/activities/import-openapi';
      try {
        const answer = (await api('POST', url, body)).body;
        result.replaceChildren(planView(answer));
        if (dryRun) {
          planned = { service: service.value, body };
          apply.disabled = false;
        } else {
          planned = null;
          apply.disabled = true;
          say(problem, 'ok', answer.applied ? 'Applied to ' + answer.service + '.' : 'Nothing to apply: the service'
            + ' already matches the spec.');
        }
      } catch (e) {
        planned = null;
        apply.disabled = true;
        const where = e.body.error === 'permissions_map_refused' ? 'import-map'
          : ['spec_refused', 'unknown_permission', 'payload_too_large'].includes(e.body.error) || /spec|\$ref/i.test(e.message)
            ? 'import-spec' : /service/i.test(e.message) ? 'import-service' : null;
        showError(form, where, e.message, problem);
      }
    };
    apply.addEventListener('click', async () => {
      if (!sameAsPlanned()) {
        // The text changed since the plan: show the new plan first, never apply unseen changes.
        await send(true);
        say(problem, 'ok', 'The spec or options changed since the plan: review this new plan, then apply.');
        return;
      }
      await send(false);
    });

    const form = h('form', { class: 'card', id: 'import-form', novalidate: true, onsubmit: (event) => {
      event.preventDefault();
      send(true);
    } },
    field('import-service', 'Service', service, 'Its activities are replaced by the plan (others are untouched).'),
    field('import-spec', 'OpenAPI 3.0/3.1 document (YAML or JSON)', spec,
      'Paste it, or choose a file below. Only the text is sent: the gateway fetches no URL, and $refs must point inside the document.'),
    h('div', { class: 'field' }, h('label', { for: 'import-file' }, 'Or read a file'), Object.assign(file, { id: 'import-file' })),
    h('div', { class: 'row' }, field('import-unmapped', 'Operations without permissions', unmapped),
      field('import-map', 'Permissions map (optional, YAML)', map, 'operationId or "METHOD /path": [permission, …]')),
    h('div', { class: 'field' }, h('label', {}, prune, ' Also remove the service\'s activities the spec no longer has')),
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'import-plan' }, 'Review plan'), apply), problem);
    page('OpenAPI import', h('p', {}, 'Generate a service\'s activities from its OpenAPI document: each operation'
      + ' becomes its method and path, with the permissions of x-gatehouse-permissions, OAuth2 scopes or the map.'),
      form, result);
    try {
      const services = (await api('GET', ADMIN + '/services')).body;
      service.replaceChildren(...services.map(s => h('option', { value: s.name }, s.name + ' (' + s.routePrefix + ')')));
      if (services.length === 0) showError(form, 'import-service', 'There are no stored services yet: create one'
        + ' first (POST ' + ADMIN + '/services or gatehouse services create).', problem);
    } catch (e) {
      say(problem, 'error', e.message);
    }
  }

  function planView(plan) {
    const rows = (list, kind) => list.map(a => h('tr', { 'data-kind': kind, 'data-method': a.method, 'data-regex': a.urlRegex },
      h('td', { 'data-label': 'Method' }, h('code', {}, a.method)),
      h('td', { 'data-label': 'URL regex' }, h('code', {}, a.urlRegex), a.shadow ? h('span', { class: 'hint' }, ' shadow') : null,
        a.description ? h('div', { class: 'hint' }, a.description) : null),
      h('td', { 'data-label': 'Permissions' }, chips(a.permissions)),
      h('td', { 'data-label': 'What changed', class: 'what-changed' }, kind === 'changed'
        ? (a.changedFields || []).map(f => h('div', {}, f + ': ', h('del', {}, show(a.before[f])), ' → ', h('ins', {}, show(a[f]))))
        : kind === 'removed' ? (a.applied ? 'removed' : 'kept (not in the spec; tick "also remove" to remove it)') : '')));
    const show = (value) => Array.isArray(value) ? value.join(', ') || '—' : value === undefined || value === null || value === '' ? '—' : String(value);
    const section = (title, list, kind) => h('section', { class: 'plan-section', id: 'plan-' + kind },
      h('h3', {}, title + ' (' + list.length + ')'),
      list.length === 0 ? null : h('table', { class: 'responsive' },
        h('thead', {}, h('tr', {}, ['Method', 'URL regex', 'Permissions', ''].map(t => h('th', {}, t)))),
        h('tbody', {}, rows(list, kind))));
    return h('div', { id: 'import-result', class: 'card', 'aria-live': 'polite' },
      h('p', { id: 'import-summary' }, h('strong', {}, plan.applied ? 'Applied: ' : plan.dryRun ? 'Plan (nothing changed yet): ' : 'No change: '),
        plan.added.length + ' added, ' + plan.changed.length + ' changed, ' + plan.removed.length + ' removed, '
        + plan.unchanged.length + ' unchanged.'),
      section('Added', plan.added, 'added'), section('Changed', plan.changed, 'changed'),
      section('Removed', plan.removed, 'removed'), section('Unchanged', plan.unchanged, 'unchanged'),
      plan.skipped && plan.skipped.length ? h('div', {}, h('h3', {}, 'Skipped operations'),
        h('ul', { id: 'import-skipped' }, plan.skipped.map(note => h('li', {}, note)))) : null);
  }

  // ---- Navigation -------------------------------------------------------------------------------------------------
  function route() {
    let name = (window.location.hash || '#/me').replace(/^#\//, '');
    if (!views[name] || (name.startsWith('admin/') && !me.admin)) name = 'me';
    document.querySelectorAll('#nav a[data-view]').forEach(a => {
      if (a.dataset.view === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    views[name]();
  }

  async function start() {
    try {
      me = (await api('GET', ME)).body;
    } catch (e) {
      if (e.status !== 401) main().replaceChildren(failed(e));
      return;
    }
    $('#signed-in-as').textContent = 'Signed in as ' + (me.username || me.sub);
    const logout = $('#logout');
    logout.href = '/auth/logout?redirect=' + encodeURIComponent(window.location.origin + '/gatehouse/console/');
    logout.hidden = false;
    $('#nav').hidden = false;
    // The server decides: admin pages only when the admin API's own activities would let this user in.
    $('#admin-nav').hidden = !me.admin;
    if (me.admin && me.keycloakAdminConsole) {
      const link = $('#keycloak-admin');
      link.href = me.keycloakAdminConsole;
      link.hidden = false;
    }
    window.addEventListener('hashchange', route);
    document.body.setAttribute('data-ready-ms', String(Math.round(performance.now())));
    document.body.setAttribute('data-ready', 'true');
    route();
  }

  start();
})();
