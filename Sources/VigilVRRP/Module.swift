// VRRP: the packet codec (Codec/) and the state machine (StateMachine/).
