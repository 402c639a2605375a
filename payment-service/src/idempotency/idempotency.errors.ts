import { DomainError } from '@cowork/service-kit';

/** A stored error answer, given again to a replay of the request that got it. */
export class ReplayedProblemError extends DomainError {}
