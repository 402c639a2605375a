export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** Multi-valued by convention: each provider contributes an array; the health controller flattens. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
