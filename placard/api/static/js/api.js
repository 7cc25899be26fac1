// The REST API from the browser: JSON in and out, the token kept for the tab
// (sessionStorage) and asked for once, errors in the API's one shape.
import { askToken } from './dialogs.js';

const TOKEN_KEY = 'placard.token';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

// Asks for a token and keeps it for the tab; resolves with it, or null when cancelled.
export async function askForToken(reason) {
  const given = await askToken(reason);
  if (!given) return null;
  sessionStorage.setItem(TOKEN_KEY, given);
  return given;
}

let prompt = null; // the token prompt on screen, if any

async function ensureToken(reason) {
  if (!prompt) prompt = askForToken(reason).finally(() => { prompt = null; });
  const given = await prompt;
  if (!given) throw new ApiError(401, 'unauthorized', 'no API token given', null);
  return given;
}

async function send(method, path, body, bearer) {
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function failure(response) {
  let error = null;
  try {
    error = (await response.json()).error;
  } catch (e) { /* not JSON: keep the status line */ }
  return new ApiError(response.status, error ? error.code : 'error',
                      error ? error.message : `${response.status} ${response.statusText}`, error ? error.details : null);
}

// One request; on 401 ask for a token and try again. Requests that fail
// together (the list and the map) wait for the same prompt.
export async function request(method, path, body) {
  if (method !== 'GET' && !token()) await ensureToken();
  const sent = token();
  let response = await send(method, path, body, sent);
  if (response.status === 401) {
    if (prompt) {
      await prompt.catch(() => null);
    } else if (token() === sent) {
      forgetToken();
      await ensureToken(sent ? 'That token was not accepted. Enter another one.'
        : 'This server needs an API token to read events.');
    }
    response = await send(method, path, body, token());
  }
  if (!response.ok) throw await failure(response);
  return response.json();
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function review(eventId, action, extra = {}) {
  return post(`/api/events/${eventId}/review`, { action, ...extra });
}
