export enum ConsoleExceptionCode {
  CONFIG_INVALID = 'CONFIG_INVALID',
  LOGIN_STATE_MISSING = 'LOGIN_STATE_MISSING',
  LOGIN_STATE_MISMATCH = 'LOGIN_STATE_MISMATCH',
  LOGIN_REFUSED = 'LOGIN_REFUSED',
  TOKEN_RESPONSE_INVALID = 'TOKEN_RESPONSE_INVALID',
  ID_TOKEN_INVALID = 'ID_TOKEN_INVALID',
  REFRESH_FAILED = 'REFRESH_FAILED',
  PURPOSE_INVALID = 'PURPOSE_INVALID',
}

/** An expected failure of the console (bad config, refused login, invalid purpose…). */
export class ConsoleException extends Error {
  constructor(
    readonly code: ConsoleExceptionCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleException';
  }
}
