import { TextProperty } from '@cowork/service-kit';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, Length, MaxLength } from 'class-validator';

const normalizeEmail = () => Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 320 })
  @normalizeEmail()
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({
    minLength: 8,
    maxLength: 128,
    example: 'correct horse battery staple',
    description: '8 to 128 characters; no composition rules',
  })
  @IsString()
  @Length(8, 128)
  password: string;

  @TextProperty(200, { example: 'Ada Lovelace' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsNotEmpty()
  fullName: string;
}

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @normalizeEmail()
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @Length(1, 128)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The opaque refresh token from register, login or the last refresh' })
  @IsString()
  @Length(16, 200)
  refreshToken: string;
}

export class AuthUserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  email: string;
  @ApiProperty()
  fullName: string;
  @ApiProperty({ enum: ['MEMBER', 'ADMIN'] })
  role: 'MEMBER' | 'ADMIN';
}

export class AuthSessionDto {
  @ApiProperty({ type: AuthUserDto })
  user: AuthUserDto;
  @ApiProperty({ description: 'ES256 JWT; send as `Authorization: Bearer <token>`' })
  accessToken: string;
  @ApiProperty({ description: 'Opaque; single use: each refresh returns a new one' })
  refreshToken: string;
  @ApiProperty({ description: 'Access token lifetime in seconds', example: 900 })
  expiresIn: number;
}

export class MeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  email: string;
  @ApiProperty({ enum: ['MEMBER', 'ADMIN'], description: 'As carried by the access token' })
  role: 'MEMBER' | 'ADMIN';
}
