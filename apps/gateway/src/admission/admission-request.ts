/** What a client asks for when it connects, whatever the transport (Socket.IO handshake, HTTP headers). */
export interface AdmissionRequest {
  /** The credential for the authenticator (e.g. a JWT); undefined when the client sent none. */
  credential: string | undefined;
  /** Present to resume a session; absent to start a new one. */
  resume?: { sessionId: string; resumeToken: string; fromSeq: number };
  /** The client's address, after trusted proxies. */
  address: string;
}

/** The client's request is malformed (e.g. the Socket.IO `auth`); answered with `invalid_handshake`. */
export class InvalidHandshakeError extends Error {
  override name = 'InvalidHandshakeError';
}
