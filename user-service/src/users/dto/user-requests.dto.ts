import { NoControlCharacters, PageQuery, TextProperty, UuidProperty } from '@cowork/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsEnum, IsNotEmpty, IsOptional, MaxLength } from 'class-validator';
import { UserRole, UserStatus } from '../../generated/prisma/enums.js';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class UpdateMyProfileDto {
  @TextProperty(200, { example: 'Ada King' })
  @trim()
  @IsNotEmpty()
  @NoControlCharacters()
  fullName: string;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: UserRole, enumName: 'UserRole' })
  @IsEnum(UserRole)
  role: UserRole;
}

export class ChangeStatusDto {
  @ApiProperty({ enum: UserStatus, enumName: 'UserStatus' })
  @IsEnum(UserStatus)
  status: UserStatus;
}

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive match on email or full name', maxLength: 100 })
  @IsOptional()
  @trim()
  @MaxLength(100)
  @NoControlCharacters()
  search?: string;

  @ApiPropertyOptional({ enum: UserRole, enumName: 'UserRole' })
  @IsOptional()
  @IsEnum(UserRole)
  role?: UserRole;

  @ApiPropertyOptional({ enum: UserStatus, enumName: 'UserStatus' })
  @IsOptional()
  @IsEnum(UserStatus)
  status?: UserStatus;
}

/** auth-service creates the profile of a user it has just registered. */
export class CreateProfileDto {
  @UuidProperty({ description: 'The auth-service user id' })
  id: string;

  @ApiProperty({ example: 'ada@example.com', maxLength: 320 })
  @IsEmail()
  @MaxLength(320)
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  email: string;

  @TextProperty(200, { example: 'Ada Lovelace' })
  @trim()
  @IsNotEmpty()
  @NoControlCharacters()
  fullName: string;

  @ApiPropertyOptional({ enum: UserRole, enumName: 'UserRole', default: UserRole.MEMBER })
  @IsOptional()
  @IsEnum(UserRole)
  role?: UserRole;
}
