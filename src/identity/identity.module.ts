import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UserRepository } from './user.repository';
import { UsersService } from './users.service';

@Module({
  imports: [SessionsModule],
  providers: [UsersService, UserRepository],
  exports: [UsersService],
})
export class IdentityModule {}
