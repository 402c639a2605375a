import { Injectable } from '@nestjs/common';
import { Credential, PrismaClient } from '../generated/prisma/client.js';
import { CredentialStatus } from '../generated/prisma/enums.js';

@Injectable()
export class CredentialsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByEmail(email: string): Promise<Credential | null> {
    return this.prisma.credential.findUnique({ where: { email } });
  }

  findById(id: string): Promise<Credential | null> {
    return this.prisma.credential.findUnique({ where: { id } });
  }

  createPending(data: { id: string; email: string; passwordHash: string }): Promise<Credential> {
    return this.prisma.credential.create({ data: { ...data, status: CredentialStatus.PENDING } });
  }

  activate(id: string): Promise<Credential> {
    return this.prisma.credential.update({ where: { id }, data: { status: CredentialStatus.ACTIVE } });
  }

  /** Removes a registration that did not complete; never an active account. */
  async deletePending(id: string): Promise<void> {
    await this.prisma.credential.deleteMany({ where: { id, status: CredentialStatus.PENDING } });
  }
}
