import { registeredBrokers } from './admin';

// `mqadmin clusterList -n 127.0.0.1:19876` of a 2-broker cluster (RocketMQ 5.5.0), header and two rows.
const CLUSTER_LIST = `#Cluster Name           #Broker Name            #BID  #Addr                  #Version              #InTPS(LOAD)                   #OutTPS(LOAD)  #Timer(Progress)        #PCWait(ms)  #Hour         #SPACE    #ACTIVATED
DefaultCluster          broker-a                0     127.0.0.1:20911        V5_5_0                 0.00(0,0ms)               0.00(0,0ms|0,0ms)  0-0(0.0w, 0.0, 0.0)               0  498932.91     0.1500          true
DefaultCluster          broker-b                0     127.0.0.1:21011        V5_5_0                 0.00(0,0ms)               0.00(0,0ms|0,0ms)  0-0(0.0w, 0.0, 0.0)               0  498932.91     0.1500          true`;

describe('registeredBrokers', () => {
  it('lists the broker names of the cluster', () => {
    expect(registeredBrokers(CLUSTER_LIST, 'DefaultCluster')).toEqual(new Set(['broker-a', 'broker-b']));
  });

  it('ignores other clusters, the header and empty output', () => {
    expect(registeredBrokers(CLUSTER_LIST, 'OtherCluster')).toEqual(new Set());
    expect(registeredBrokers('', 'DefaultCluster')).toEqual(new Set());
  });
});
