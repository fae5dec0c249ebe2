import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';

/** `/api/v1/admin/tenants/...`: tenant administration, forwarded to identity. */
@Module({ controllers: [AdminController] })
export class AdminModule {}
