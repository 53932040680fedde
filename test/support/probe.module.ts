// Routes that exist only in tests, to exercise the cross-cutting machinery (validation,
// unexpected errors, body limits) independently of any feature module.
import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';

export class ProbeDto {
  @IsString()
  @Length(1, 10)
  name!: string;

  @IsInt()
  @Min(1)
  @Max(5)
  count!: number;
}

@Controller('__probe')
class ProbeController {
  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: ProbeDto): ProbeDto {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error('secret internals: password=hunter2 at /srv/app/db.ts:42');
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
