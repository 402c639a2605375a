import { Controller, Get, Header, HttpCode, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { DependencyUnavailableError } from '../errors/domain-error.js';
import { ServiceMetrics } from './metrics.js';
import { READINESS_CHECKS, ReadinessCheck } from './readiness.js';

class HealthStatusDto {
  status: 'ok';
  checks?: Record<string, 'ok'>;
}

@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(
    private readonly metrics: ServiceMetrics,
    @Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = [],
  ) {}

  @Public()
  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): HealthStatusDto {
    return { status: 'ok' };
  }

  @Public()
  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: the process can serve (its database answers)' })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { database: 'ok' } } } })
  @ApiServiceUnavailableResponse({ description: 'A dependency of readiness failed (problem+json)' })
  async ready(): Promise<HealthStatusDto> {
    const results: Record<string, 'ok'> = {};
    for (const c of this.checks ?? []) {
      try {
        await c.check();
        results[c.name] = 'ok';
      } catch (error) {
        throw new DependencyUnavailableError(c.name, 5, (error as Error).message);
      }
    }
    return { status: 'ok', checks: results };
  }

  @Public()
  @Get('metrics')
  @HttpCode(200)
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  async metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
