package config

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
)

// Redis modes: where state lives. Exactly one of redis.addr, redis.addrs and
// redis.sentinel.master may be set; none of them means the embedded one.
const (
	RedisEmbedded = "embedded" // in-memory, inside the process (trying out only)
	RedisSingle   = "single"   // one server: redis.addr
	RedisCluster  = "cluster"  // Redis Cluster: seed nodes in redis.addrs
	RedisSentinel = "sentinel" // a master found through redis.sentinel
)

// Redis says where state lives.
type Redis struct {
	// Addr is one server's host:port.
	Addr string `mapstructure:"addr"`
	// Addrs are seed nodes of a Redis Cluster; the client learns the rest.
	Addrs    []string `mapstructure:"addrs"`
	Password Secret   `mapstructure:"password"`
	DB       int      `mapstructure:"db"`
	Sentinel Sentinel `mapstructure:"sentinel"`
}

// Sentinel names a master that Redis Sentinel watches and fails over.
// Password is the Sentinels' own; Redis.Password is the master's.
type Sentinel struct {
	Master   string   `mapstructure:"master"`
	Addrs    []string `mapstructure:"addrs"`
	Password Secret   `mapstructure:"password"`
}

// Mode is how the service reaches Redis (one of the Redis* constants).
// Validate makes sure only one mode is configured.
func (r Redis) Mode() string {
	switch {
	case len(r.Addrs) > 0:
		return RedisCluster
	case r.Sentinel.Master != "":
		return RedisSentinel
	case r.Addr != "":
		return RedisSingle
	}
	return RedisEmbedded
}

// Embedded reports whether the in-process development Redis is used.
func (r Redis) Embedded() bool { return r.Mode() == RedisEmbedded }

// Where names the configured Redis for start-up messages and errors. It
// holds addresses only, never a password.
func (r Redis) Where() string {
	switch r.Mode() {
	case RedisCluster:
		return "Cluster via " + strings.Join(r.Addrs, ",")
	case RedisSentinel:
		return "Sentinel master " + r.Sentinel.Master + " via " + strings.Join(r.Sentinel.Addrs, ",")
	case RedisSingle:
		return r.Addr
	}
	return "in-memory"
}

// SameAs reports whether o reaches the same Redis in the same way; when it
// does not, a running process needs a restart to follow.
func (r Redis) SameAs(o Redis) bool {
	return r.Addr == o.Addr && slices.Equal(r.Addrs, o.Addrs) && r.Password == o.Password && r.DB == o.DB &&
		r.Sentinel.Master == o.Sentinel.Master && slices.Equal(r.Sentinel.Addrs, o.Sentinel.Addrs) &&
		r.Sentinel.Password == o.Sentinel.Password
}

func (r Redis) validate(p *problems) {
	var set []string
	if r.Addr != "" {
		set = append(set, "redis.addr")
		checkHostPort(p, "redis.addr", r.Addr)
	}
	if len(r.Addrs) > 0 {
		set = append(set, "redis.addrs")
		for i, a := range r.Addrs {
			checkHostPort(p, fmt.Sprintf("redis.addrs[%d]", i), a)
		}
	}
	if r.Sentinel.Master != "" {
		set = append(set, "redis.sentinel.master")
		if len(r.Sentinel.Addrs) == 0 {
			p.add("redis.sentinel.addrs", "is empty while redis.sentinel.master is set: list the Sentinels as host:port")
		}
	} else if len(r.Sentinel.Addrs) > 0 {
		p.add("redis.sentinel.master", "is empty while redis.sentinel.addrs is set: give the master name the Sentinels monitor")
	}
	for i, a := range r.Sentinel.Addrs {
		checkHostPort(p, fmt.Sprintf("redis.sentinel.addrs[%d]", i), a)
	}
	if len(set) > 1 {
		p.add("redis", "%s and %s are set together: configure only one of a single server (redis.addr), a Cluster (redis.addrs) or Sentinel (redis.sentinel.master)",
			strings.Join(set[:len(set)-1], ", "), set[len(set)-1])
	}
	switch {
	case r.DB < 0:
		p.add("redis.db", "must not be negative")
	case r.DB != 0 && len(r.Addrs) > 0:
		p.add("redis.db", "must be 0 with redis.addrs: a Redis Cluster has only database 0")
	}
}

// checkHostPort reports an address that is not host:port with a port
// number.
func checkHostPort(p *problems, key, addr string) {
	host, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		p.add(key, "%q is not host:port, e.g. 127.0.0.1:6379", addr)
	}
}
