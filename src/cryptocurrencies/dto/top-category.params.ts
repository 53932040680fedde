import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { TOP_CATEGORIES, type TopCategory } from '../asset-query';

export class TopCategoryParams {
  @ApiProperty({ enum: TOP_CATEGORIES, example: 'gainers' })
  @IsIn(TOP_CATEGORIES, { message: `category must be one of: ${TOP_CATEGORIES.join(', ')}` })
  category!: TopCategory;
}
