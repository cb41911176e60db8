/**
 * The page's one way to the API: same-origin fetch, so the session cookie (HttpOnly, never visible here)
 * travels with every request and the browser adds `Origin` to the ones that change something.
 */

/** An error answer of the API, with its status, code, message and details. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Calls the API. `body`: a plain object (sent as JSON) or FormData. Answers the parsed JSON, or null. */
export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server could not be reached. Check your connection and try again.');
  }
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('application/json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const error = data?.error ?? {};
    throw new ApiError(response.status, error.code ?? 'HTTP', error.message ?? response.statusText, error.details);
  }
  return data;
}

const FIELD_NAMES = {
  email: 'E-mail',
  password: 'Password',
  name: 'Name',
  packageName: 'Package name',
  storeUrl: 'Store URL',
  iconUrl: 'Icon URL',
  category: 'Category',
  subCategory: 'Sub-category',
  points: 'Points',
  reason: 'Reason',
  screenshot: 'Screenshot',
};

const PREFIX = {
  UNAUTHENTICATED: 'Please sign in.',
  FORBIDDEN: 'You are not allowed to do this.',
  NOT_FOUND: 'Not found.',
  CONFLICT: 'That clashes with what is already there.',
  PAYLOAD_TOO_LARGE: 'The file is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'That file type is not accepted.',
  RATE_LIMITED: 'Too many attempts.',
  INTERNAL: 'Something went wrong on the server.',
};

/**
 * One field's problem, its name said once: "Password: Password is too common" reads as "Password is too
 * common", while "Points: Too small" keeps the name in front.
 */
function fieldProblem(name, message) {
  return message.toLowerCase().startsWith(name.toLowerCase()) ? message : `${name}: ${message}`;
}

/** An error in words for the reader: what kind of problem, the server's sentence, and each invalid field. */
export function describeError(error) {
  if (!(error instanceof ApiError)) return `Something went wrong: ${error?.message ?? error}`;
  const fields = Array.isArray(error.details?.fields) ? error.details.fields : [];
  if (error.code === 'VALIDATION' && fields.length > 0) {
    const list = fields.map((f) => fieldProblem(FIELD_NAMES[f.path] ?? f.path ?? 'request', f.message));
    return `Please check: ${list.join('; ')}.`;
  }
  const prefix = PREFIX[error.code];
  const sentence = error.message.endsWith('.') ? error.message : `${error.message}.`;
  return prefix ? `${prefix} ${sentence}` : sentence;
}
