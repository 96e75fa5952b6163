import { describe, expect, it } from 'vitest';
import { createDeliveryLogFloor } from '../../../src/service/deliveryLogFloor.js';

describe('where the delivery log’s repair starts comparing', () => {
  it('is not known before a pass has completed', () => {
    const floor = createDeliveryLogFloor(2_000);
    floor.note(0, 10);
    expect(floor.floor()).toBeUndefined();
  });

  it('is not known while no id was noted early enough before what the last pass settled', () => {
    const floor = createDeliveryLogFloor(2_000);
    floor.note(10_000, 10);
    floor.completed(10_000);
    expect(floor.floor()).toBeUndefined();
  });

  it('is the newest id noted at least the margin before what the last pass settled', () => {
    const floor = createDeliveryLogFloor(2_000);
    floor.note(0, 10);
    floor.note(5_000, 20);
    floor.note(10_000, 30);
    floor.completed(7_500);
    expect(floor.floor()).toBe(20);
    floor.note(15_000, 40);
    floor.completed(12_000);
    expect(floor.floor()).toBe(30);
  });

  it('stays where it was when a pass fails: what the failed pass did not settle is read again', () => {
    const floor = createDeliveryLogFloor(2_000);
    floor.note(0, 10);
    floor.note(5_000, 20);
    floor.completed(4_000);
    expect(floor.floor()).toBe(10);
    floor.note(10_000, 30); // this pass fails: no `completed`
    expect(floor.floor()).toBe(10);
  });
});
