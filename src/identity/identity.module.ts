import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersService } from './users.service';

@Module({
  imports: [SessionsModule],
  providers: [UsersService],
  exports: [UsersService],
})
export class IdentityModule {}
