import { Column } from 'typeorm';

/** The OHLCV columns shared by 1-minute candles and their roll-ups. */
export abstract class OhlcvColumns {
  @Column({ type: 'numeric' })
  open!: string;

  @Column({ type: 'numeric' })
  high!: string;

  @Column({ type: 'numeric' })
  low!: string;

  @Column({ type: 'numeric' })
  close!: string;

  @Column({ type: 'numeric', default: 0 })
  volume!: string;

  @Column({ name: 'quote_volume', type: 'numeric', nullable: true })
  quoteVolume!: string | null;

  @Column({ name: 'trade_count', type: 'integer', default: 0 })
  tradeCount!: number;

  @Column({ name: 'is_closed', type: 'boolean', default: true })
  isClosed!: boolean;
}
