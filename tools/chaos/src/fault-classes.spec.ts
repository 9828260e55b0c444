import { FAULT_CLASSES, isBrokerSide, parseFaultClasses, serversOf, untoldFailsClass } from './fault-classes';

describe('fault classes', () => {
  it('runs all six by default, the app nodes first', () => {
    expect(FAULT_CLASSES).toEqual(['gateway', 'scheduler', 'broker', 'proxy', 'namesrv', 'broker+proxy']);
    expect(FAULT_CLASSES.filter(isBrokerSide)).toEqual(['broker', 'proxy', 'namesrv', 'broker+proxy']);
  });

  it('kills broker and proxy together for broker+proxy, else the one server', () => {
    expect(serversOf('broker+proxy')).toEqual(['broker', 'proxy']);
    expect(serversOf('namesrv')).toEqual(['namesrv']);
  });

  it('lets untold sessions fail only the classes where the broker is down', () => {
    expect(untoldFailsClass('broker')).toBe(true);
    expect(untoldFailsClass('broker+proxy')).toBe(true);
    expect(untoldFailsClass('proxy')).toBe(false);
    expect(untoldFailsClass('namesrv')).toBe(false);
  });

  it('reads --faults, refusing unknown, repeated and empty lists', () => {
    expect(parseFaultClasses('broker, broker+proxy,gateway')).toEqual(['broker', 'broker+proxy', 'gateway']);
    expect(() => parseFaultClasses('broker,disk')).toThrow(/unknown disk/);
    expect(() => parseFaultClasses('proxy,proxy')).toThrow(/proxy given twice/);
    expect(() => parseFaultClasses(' , ')).toThrow(/at least one/);
  });
});
