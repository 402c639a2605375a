import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 9457 problem document, as every error answer of every service. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:cowork:problem:validation-failed' })
  type: string;
  @ApiProperty({ example: 'Bad Request' })
  title: string;
  @ApiProperty({ example: 400 })
  status: number;
  @ApiProperty({ example: 'email: email must be an email' })
  detail: string;
  @ApiProperty({ description: 'Stable machine-readable code', example: 'VALIDATION_FAILED' })
  code: string;
  @ApiPropertyOptional({ example: '/auth/register' })
  instance?: string;
  @ApiPropertyOptional({ example: '6f1c2a0e-3a51-4c8e-9f3b-1f0c2d3e4a5b' })
  requestId?: string;
  @ApiPropertyOptional({
    description: 'Field violations (VALIDATION_FAILED only)',
    example: [{ field: 'email', messages: ['email must be an email'] }],
  })
  errors?: { field: string; messages: string[] }[];
}
