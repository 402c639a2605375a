import { ApiProperty } from '@nestjs/swagger';
import type { UserProfile } from '../../generated/prisma/client.js';
import { UserRole, UserStatus } from '../../generated/prisma/enums.js';

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'ada@example.com' })
  email: string;
  @ApiProperty({ example: 'Ada Lovelace' })
  fullName: string;
  @ApiProperty({ enum: UserRole, enumName: 'UserRole' })
  role: UserRole;
  @ApiProperty({ enum: UserStatus, enumName: 'UserStatus' })
  status: UserStatus;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  static from(row: UserProfile): UserDto {
    return {
      id: row.id,
      email: row.email,
      fullName: row.fullName,
      role: row.role,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] })
  items: UserDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}

export class UserStatsDto {
  @ApiProperty({ example: 42 })
  total: number;
  @ApiProperty({ example: { MEMBER: 40, ADMIN: 2 }, description: 'Users per role (every role listed)' })
  byRole: Record<UserRole, number>;
  @ApiProperty({ example: { ACTIVE: 41, SUSPENDED: 1 }, description: 'Users per status (every status listed)' })
  byStatus: Record<UserStatus, number>;
}
