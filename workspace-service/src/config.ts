import { BaseServiceConfig } from '@cowork/service-kit';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export class WorkspaceServiceConfig extends BaseServiceConfig {
  override PORT = 3002;

  /**
   * How long public catalogue reads are answered from memory (ms; 0 turns it off). Writes through
   * this process clear it; other replicas' writes show here after at most this long.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  CATALOGUE_CACHE_MS = 1000;
}
