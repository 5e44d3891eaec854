export { demoPlugin } from './demo.plugin';
export type { DemoOptions } from './demo.plugin';
export { demoCommand } from './tour/demo.command';
export { TOUR_STEPS, runTour } from './tour/tour.runner';
export type { StepOutcome, TourOptions } from './tour/tour.runner';
export type { TourStep, TourContext, StepResult } from './tour/tour.types';
export { SimulatedExchange, BookLevel } from './bot/simulated.exchange';
export type {
  Quote,
  OrderRequest,
  Execution,
  Side,
  ExchangeOptions,
} from './bot/simulated.exchange';
export { TradingBot } from './bot/trading.bot';
export { OrderHistory, OrderRecord, levelsPerOrder } from './bot/order.history';
