/** The injection token of the service's PrismaClient (also provided under the client's own class). */
export const PRISMA_CLIENT = Symbol('PRISMA_CLIENT');
