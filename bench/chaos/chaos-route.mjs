// The chaos pipeline's route: client signals straight back as one-contract orders, the test route
// of test/fixtures/modules/gateway-test-route.ts, imported from the built engine (dist/) so the
// engine under test is `node bin/enigma.js` itself, without a TypeScript loader in its process.
import { ninjatraderOrders } from '../../dist/gateway/operators/ninjatrader-orders.js';
import { signalToOrder } from '../../dist/gateway/operators/signal-to-order.js';

export const operators = [signalToOrder, ninjatraderOrders];
