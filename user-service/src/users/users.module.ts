import { Module } from '@nestjs/common';
import { InternalUsersController } from './internal-users.controller.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersController, InternalUsersController],
  providers: [UsersService, UsersRepository],
})
export class UsersModule {}
