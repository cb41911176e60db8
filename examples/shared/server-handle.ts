/** The running-server shape both examples return, so entry points and tests treat them alike. */

/** A server that listens. */
export interface ServerHandle {
  /** Base URL, such as `http://127.0.0.1:3000`. */
  readonly url: string;
  /** Stops accepting connections, finishes requests in flight, then closes the container. */
  close(): Promise<void>;
}
