export { createSimulatorCredentials, payrecEnvironmentFor } from './simulatorCredentials.js';
export type { SimulatorCredentials } from './simulatorCredentials.js';
export {
  krakenPayDelivery,
  krakenEmbedDelivery,
  kryptogoDelivery,
  kkiapayDelivery,
  forgedDelivery,
} from './simulatedDeliveries.js';
export { simulatedProviders } from './simulatedDeliveries.js';
export type { SimulatedDelivery, SimulatedProvider } from './simulatedDeliveries.js';
export { startProviderSimulator } from './providerSimulator.js';
export type { ProviderSimulator, ProviderTruth, StatusEndpointFault } from './providerSimulator.js';
export { planDeliveries, sendDeliveries } from './deliveryPlan.js';
export type {
  DeliveryPlan,
  DeliveryPlanOptions,
  PlannedDelivery,
  SendResult,
} from './deliveryPlan.js';
export { realisticMix, realisticTruths } from './realisticMix.js';
export { loadOrCreateCredentials } from './credentialsFile.js';
