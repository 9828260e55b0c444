/** Injection token of AdmissionSettings. */
export const ADMISSION_SETTINGS = Symbol('ADMISSION_SETTINGS');

/** Per-minute budgets of new connections and new sessions (docs/security.md, "Limits"). */
export interface AdmissionRates {
  connectionsPerIp: number;
  newSessionsPerIp: number;
  connectionsPerUser: number;
  newSessionsPerUser: number;
}

export interface AdmissionSettings {
  rates: AdmissionRates;
  /** Connected sessions this node serves at most. */
  maxSessionsPerNode: number;
}
