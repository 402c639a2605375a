import { ApiProblem, ApiUuidParam, Authenticated, CurrentPrincipal, Page, UuidParam } from '@cowork/service-kit';
import type { UserPrincipal } from '@cowork/service-kit';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PaymentDto, PaymentPageDto } from './dto/payment.dto.js';
import { ListPaymentsQuery } from './dto/payment-requests.dto.js';
import { PaymentsService } from './payments.service.js';

@ApiTags('payments')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: "Payments, newest first: a member's own; an admin's all (filter by userId)" })
  @ApiOkResponse({ type: PaymentPageDto })
  @ApiProblem(403, "A member asked for another user's payments, or a service token (FORBIDDEN)")
  list(@CurrentPrincipal() principal: UserPrincipal, @Query() query: ListPaymentsQuery): Promise<Page<PaymentDto>> {
    return this.payments.list(principal, query);
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ summary: 'One payment (its payer or an admin)' })
  @ApiUuidParam('id', 'The payment id')
  @ApiOkResponse({ type: PaymentDto })
  @ApiProblem(404, 'No such payment, or not yours (PAYMENT_NOT_FOUND)')
  get(@CurrentPrincipal() principal: UserPrincipal, @UuidParam() id: string): Promise<PaymentDto> {
    return this.payments.get(principal, id);
  }
}
