import { HttpService } from '@nestjs/axios';
import { Injectable, Logger } from '@nestjs/common';
import { AxiosError, AxiosRequestConfig, AxiosResponse } from 'axios';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  IPolicy,
  retry,
  wrap,
} from 'cockatiel';
import { firstValueFrom } from 'rxjs';
import { ServiceTokenProvider } from '../auth/service-token.js';
import { BaseServiceConfig } from '../config/service-config.js';
import { DependencyUnavailableError, DomainError } from '../errors/domain-error.js';
import { currentRequestId, REQUEST_ID_HEADER } from '../observability/request-context.js';

export interface ServiceClientOptions {
  /** the downstream's name, used in errors, logs and metrics */
  name: string;
  baseUrl: string;
  timeoutMs?: number;
  /** retries after the first attempt, for safe requests only (default 2) */
  retries?: number;
  /** consecutive failures that open the circuit */
  breakerThreshold?: number;
  /** how long the circuit stays open before one trial call */
  halfOpenAfterMs?: number;
}

export interface CallOptions {
  /** makes a POST/PATCH safe to retry: the downstream deduplicates on it */
  idempotencyKey?: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** no service token (public endpoints of the downstream) */
  anonymous?: boolean;
  /**
   * Call on behalf of the signed-in user: send their access token instead of the service token,
   * so the downstream authorizes (and records) the user, not this service.
   */
  onBehalfOf?: string;
}

/**
 * A 4xx answer from a downstream: the downstream is healthy, the request was refused.
 * Callers map it to their own domain error (a 404 user becomes USER_NOT_FOUND, ...).
 */
export class DownstreamRejectedError extends DomainError {
  constructor(
    readonly dependency: string,
    readonly downstreamStatus: number,
    readonly problem: { code?: string; detail?: string } & Record<string, unknown>,
  ) {
    super(
      problem.code ?? 'DOWNSTREAM_REJECTED',
      downstreamStatus === 401 || downstreamStatus === 403 ? 502 : downstreamStatus,
      `${dependency}: ${problem.detail ?? `HTTP ${downstreamStatus}`}`,
    );
  }
}

/** Transient: no answer, a timeout, a 5xx or 429. These count against the circuit and may be retried. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof AxiosError)) return false;
  const status = error.response?.status;
  return status === undefined || status >= 500 || status === 429;
}

/**
 * One downstream service: per-call timeout, retry with exponential backoff and jitter for safe
 * calls (GET, or a write that carries an Idempotency-Key), a circuit breaker shared by every
 * call to it, the service token and the caller's x-request-id on every request.
 */
export class ServiceClient {
  private readonly logger: Logger;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly safePolicy: IPolicy;
  private readonly halfOpenAfterMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly http: HttpService,
    private readonly tokens: ServiceTokenProvider,
    private readonly options: Required<ServiceClientOptions>,
  ) {
    this.logger = new Logger(`Client:${options.name}`);
    this.timeoutMs = options.timeoutMs;
    this.halfOpenAfterMs = options.halfOpenAfterMs;
    this.breaker = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    this.breaker.onStateChange((state) => this.logger.warn(`circuit to ${options.name} is now ${CircuitState[state]}`));
    const retryPolicy = retry(handleWhen(isTransient), {
      maxAttempts: options.retries,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }),
    });
    this.safePolicy = wrap(retryPolicy, this.breaker);
  }

  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  get<T>(path: string, options: CallOptions = {}): Promise<T> {
    return this.request<T>({ method: 'GET', url: path }, options, true);
  }

  post<T>(path: string, body: unknown, options: CallOptions = {}): Promise<T> {
    return this.request<T>({ method: 'POST', url: path, data: body }, options, !!options.idempotencyKey);
  }

  patch<T>(path: string, body: unknown, options: CallOptions = {}): Promise<T> {
    return this.request<T>({ method: 'PATCH', url: path, data: body }, options, !!options.idempotencyKey);
  }

  delete<T>(path: string, options: CallOptions = {}): Promise<T> {
    return this.request<T>({ method: 'DELETE', url: path }, options, true);
  }

  private async request<T>(config: AxiosRequestConfig, options: CallOptions, safeToRetry: boolean): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const requestId = currentRequestId();
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (options.onBehalfOf) headers.authorization = `Bearer ${options.onBehalfOf}`;
    else if (!options.anonymous) headers.authorization = `Bearer ${await this.tokens.getToken()}`;
    const call = () =>
      firstValueFrom(
        this.http.request<T>({
          ...config,
          baseURL: this.options.baseUrl,
          params: options.query,
          headers,
          timeout: this.timeoutMs,
          // a 4xx is an answer, not a failure of the downstream: resolve and map below
          validateStatus: (status) => status < 500 && status !== 429,
        }),
      );
    let response: AxiosResponse<T>;
    try {
      response = await (safeToRetry ? this.safePolicy : this.breaker).execute(call);
    } catch (error) {
      throw this.unavailable(error);
    }
    if (response.status >= 400) {
      throw new DownstreamRejectedError(
        this.options.name,
        response.status,
        (typeof response.data === 'object' && response.data ? response.data : {}) as Record<string, unknown>,
      );
    }
    return response.data;
  }

  private unavailable(error: unknown): DependencyUnavailableError {
    if (error instanceof BrokenCircuitError) {
      return new DependencyUnavailableError(this.options.name, Math.ceil(this.halfOpenAfterMs / 1000), 'circuit open');
    }
    if (error instanceof DomainError) {
      if (error instanceof DependencyUnavailableError) return error;
      return new DependencyUnavailableError(this.options.name, 5, error.message);
    }
    const axiosError = error as AxiosError;
    const reason = axiosError.response
      ? `HTTP ${axiosError.response.status}`
      : axiosError.code === 'ECONNABORTED' || axiosError.code === 'ETIMEDOUT'
        ? `no answer within ${this.timeoutMs} ms`
        : (axiosError.code ?? axiosError.message);
    this.logger.warn(`${this.options.name} unavailable: ${reason}`);
    return new DependencyUnavailableError(this.options.name, 5, reason);
  }
}

/** The one way services build clients for each other (DESIGN.md section 6). */
@Injectable()
export class ServiceClientFactory {
  constructor(
    private readonly http: HttpService,
    private readonly tokens: ServiceTokenProvider,
    private readonly config: BaseServiceConfig,
  ) {}

  create(options: ServiceClientOptions): ServiceClient {
    return new ServiceClient(this.http, this.tokens, {
      timeoutMs: this.config.DOWNSTREAM_TIMEOUT_MS,
      retries: 2,
      breakerThreshold: this.config.CIRCUIT_BREAKER_THRESHOLD,
      halfOpenAfterMs: this.config.CIRCUIT_BREAKER_HALF_OPEN_MS,
      ...options,
    });
  }
}
