/*
 * flowcount: the C reference for `npm run bench` (issue 15). It does the work of
 * `natpath decode --summary` that matters for speed, the way a C program on libpcap would:
 * read every record (pcap or pcapng, through libpcap), decode the link layer (Ethernet,
 * Linux cooked v1 and v2, raw IP, BSD loopback), VLAN tags, PPPoE, MPLS, IPv4 / IPv6 (extension headers,
 * fragments), TCP / UDP / ICMP, and the tunnels natpath opens (VXLAN on UDP 4789 / 8472,
 * Geneve on 6081, GRE, IP-in-IP) down to the innermost IP layer, and count distinct
 * bidirectional flows: {innermost endpoints, L4 protocol, tunnel depth}, exact keys in an
 * open-addressing hash set (no false merges).
 *
 * Output (stdout, one line of JSON): packets, bytes, flows, seconds of processing.
 * Build: cc -O2 -o flowcount flowcount.c -lpcap   (bench/c-reference.mjs does it).
 *
 * `-b BYTES`: read the file through a stdio buffer of that size (fopen, setvbuf,
 * pcap_fopen_offline) instead of pcap_open_offline's default buffer of the file system's block
 * size (4 KiB here): one read(2) per BYTES instead of one per 4 KiB. Same decoding and counting;
 * the bench times both, as where system calls cost much the default is most of the reference's time.
 *
 * It is a peer for timing and a cross-check for flow counts, not a second implementation to
 * maintain: it decodes only what the bench files and the lab samples contain.
 */
#include <pcap/pcap.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DEPTH 4

/* ---- flow key and exact hash set ---------------------------------------------------------- */

typedef struct {
    uint8_t a[16], b[16]; /* endpoint addresses, lower endpoint first (IPv4 in the first 4 bytes) */
    uint16_t pa, pb;      /* ports with their addresses (0 without ports) */
    uint8_t proto;        /* L4 protocol, 255 without one */
    uint8_t version;      /* 4 or 6 */
    uint8_t depth;        /* tunnel depth of the innermost IP layer */
    uint8_t pad;
} FlowKey;

static FlowKey *keys;
static uint32_t *slots; /* 0 = empty, else index + 1 into keys */
static uint64_t nkeys, cap_keys, nslots;

static uint64_t hash_key(const FlowKey *k) {
    /* FNV-1a over the key bytes, then a mixer: good enough for a reference. */
    const uint8_t *p = (const uint8_t *)k;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < sizeof(FlowKey); i++) { h ^= p[i]; h *= 1099511628211ULL; }
    h ^= h >> 33; h *= 0xff51afd7ed558ccdULL; h ^= h >> 33;
    return h;
}

static void grow(void) {
    uint64_t n = nslots ? nslots * 2 : (1u << 16);
    uint32_t *s = calloc(n, sizeof(uint32_t));
    if (!s) { fprintf(stderr, "flowcount: out of memory\n"); exit(2); }
    for (uint64_t i = 0; i < nkeys; i++) {
        uint64_t j = hash_key(&keys[i]) & (n - 1);
        while (s[j]) j = (j + 1) & (n - 1);
        s[j] = (uint32_t)(i + 1);
    }
    free(slots);
    slots = s;
    nslots = n;
}

static void add_flow(const FlowKey *k) {
    if ((nkeys + 1) * 2 > nslots) grow();
    uint64_t j = hash_key(k) & (nslots - 1);
    while (slots[j]) {
        if (memcmp(&keys[slots[j] - 1], k, sizeof(FlowKey)) == 0) return;
        j = (j + 1) & (nslots - 1);
    }
    if (nkeys == cap_keys) {
        cap_keys = cap_keys ? cap_keys * 2 : 65536;
        keys = realloc(keys, cap_keys * sizeof(FlowKey));
        if (!keys) { fprintf(stderr, "flowcount: out of memory\n"); exit(2); }
    }
    keys[nkeys] = *k;
    slots[j] = (uint32_t)(++nkeys);
}

/* ---- decoding ------------------------------------------------------------------------------ */

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* What the innermost IP layer seen so far says about the flow. */
typedef struct {
    int have;
    uint8_t version, proto, depth, has_ports;
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
} Flow;

static void decode_ether(const uint8_t *p, const uint8_t *end, int depth, Flow *f);
static void decode_ip(const uint8_t *p, const uint8_t *end, int depth, Flow *f);

static void decode_by_ethertype(uint16_t type, const uint8_t *p, const uint8_t *end, int depth, Flow *f) {
    for (int tags = 0; tags < 8 && (type == 0x8100 || type == 0x88a8 || type == 0x9100); tags++) {
        if (end - p < 4) return;
        type = be16(p + 2);
        p += 4;
    }
    if (type == 0x8864) { /* PPPoE session: 6-byte header, then the PPP protocol */
        if (end - p < 8) return;
        uint16_t ppp = be16(p + 6);
        if (ppp == 0x0021 || ppp == 0x0057) decode_ip(p + 8, end, depth, f);
    } else if (type == 0x8847 || type == 0x8848) { /* MPLS: labels to the bottom of the stack, then IP */
        for (int labels = 0; labels < 16; labels++) {
            if (end - p < 4) return;
            int bottom = p[2] & 1;
            p += 4;
            if (bottom) { decode_ip(p, end, depth, f); return; }
        }
    } else if (type == 0x0800 || type == 0x86dd) {
        decode_ip(p, end, depth, f);
    }
}

static void decode_ether(const uint8_t *p, const uint8_t *end, int depth, Flow *f) {
    if (end - p < 14) return;
    decode_by_ethertype(be16(p + 12), p + 14, end, depth, f);
}

static void decode_udp_payload(uint16_t dport, const uint8_t *p, const uint8_t *end, int depth, Flow *f) {
    if (depth + 1 >= MAX_DEPTH) return;
    if (dport == 4789 || dport == 8472) {
        if (end - p < 8 || (p[0] & 0x08) == 0) return;
        decode_ether(p + 8, end, depth + 1, f);
    } else if (dport == 6081) {
        if (end - p < 8 || (p[0] >> 6) != 0) return;
        size_t hlen = 8 + (size_t)(p[0] & 0x3f) * 4;
        if ((size_t)(end - p) < hlen) return;
        uint16_t proto = be16(p + 2);
        if (proto == 0x6558) decode_ether(p + hlen, end, depth + 1, f);
        else decode_by_ethertype(proto, p + hlen, end, depth + 1, f);
    }
}

static void decode_gre(const uint8_t *p, const uint8_t *end, int depth, Flow *f) {
    if (end - p < 4 || depth + 1 >= MAX_DEPTH) return;
    uint16_t flags = be16(p), proto = be16(p + 2);
    if ((flags & 7) != 0) return; /* version 0 only */
    size_t hlen = 4 + ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) + ((flags & 0x1000) ? 4 : 0);
    if ((flags & 0x4000) || (size_t)(end - p) < hlen) return;
    if (proto == 0x6558) decode_ether(p + hlen, end, depth + 1, f);
    else if (proto == 0x0800 || proto == 0x86dd) decode_ip(p + hlen, end, depth + 1, f);
}

static void decode_l4(uint8_t proto, int first_fragment, const uint8_t *p, const uint8_t *end, int depth, Flow *f) {
    f->proto = proto;
    f->has_ports = 0;
    if (!first_fragment) return;
    if (proto == 51) { /* IP Authentication Header (IPv4 here; IPv6 walks it with its extension headers) */
        if (end - p < 8) return;
        size_t len = ((size_t)p[1] + 2) * 4;
        if ((size_t)(end - p) < len) return;
        decode_l4(p[0], 1, p + len, end, depth, f);
        return;
    }
    if (proto == 6 || proto == 17) {
        if (end - p < 4) return;
        f->sport = be16(p);
        f->dport = be16(p + 2);
        f->has_ports = 1;
        if (proto == 17 && end - p >= 8) {
            uint16_t len = be16(p + 4);
            const uint8_t *udp_end = len == 0 ? end : p + len;
            if (len != 0 && (len < 8 || udp_end > end)) return;
            decode_udp_payload(f->dport, p + 8, udp_end, depth, f);
        }
    } else if (proto == 47) {
        decode_gre(p, end, depth, f);
    } else if ((proto == 4 || proto == 41) && depth + 1 < MAX_DEPTH) {
        decode_ip(p, end, depth + 1, f);
    }
}

static void decode_ip(const uint8_t *p, const uint8_t *end, int depth, Flow *f) {
    if (end - p < 1) return;
    uint8_t version = p[0] >> 4;
    if (version == 4) {
        if (end - p < 20) return;
        size_t hlen = (size_t)(p[0] & 15) * 4;
        uint16_t total = be16(p + 2);
        if (hlen < 20) return;
        f->have = 1;
        f->version = 4;
        f->depth = (uint8_t)depth;
        memset(f->src, 0, 16);
        memset(f->dst, 0, 16);
        memcpy(f->src, p + 12, 4);
        memcpy(f->dst, p + 16, 4);
        f->proto = 255;
        f->has_ports = 0;
        if ((size_t)(end - p) < hlen) return;
        const uint8_t *ip_end = total == 0 ? end : p + total;
        if (total != 0 && total < hlen) return;
        if (ip_end > end) ip_end = end;
        uint16_t frag = be16(p + 6);
        decode_l4(p[9], (frag & 0x1fff) == 0, p + hlen, ip_end, depth, f);
    } else if (version == 6) {
        if (end - p < 40) return;
        f->have = 1;
        f->version = 6;
        f->depth = (uint8_t)depth;
        memcpy(f->src, p + 8, 16);
        memcpy(f->dst, p + 24, 16);
        f->proto = 255;
        f->has_ports = 0;
        uint16_t plen = be16(p + 4);
        const uint8_t *ip_end = plen == 0 ? end : p + 40 + plen;
        if (ip_end > end) ip_end = end;
        uint8_t next = p[6];
        const uint8_t *q = p + 40;
        int first_fragment = 1;
        for (int ext = 0; ext < 16; ext++) {
            if (next == 0 || next == 43 || next == 60) {
                if (ip_end - q < 8) { f->proto = next; return; }
                next = q[0];
                q += ((size_t)q[1] + 1) * 8;
            } else if (next == 44) {
                if (ip_end - q < 8) { f->proto = next; return; }
                if ((be16(q + 2) & 0xfff8) != 0) first_fragment = 0;
                next = q[0];
                q += 8;
            } else if (next == 51) {
                if (ip_end - q < 8) { f->proto = next; return; }
                next = q[0];
                q += ((size_t)q[1] + 2) * 4;
            } else {
                break;
            }
            if (q > ip_end) return;
        }
        decode_l4(next, first_fragment, q, ip_end, depth, f);
    }
}

static void decode_record(int linktype, const uint8_t *p, const uint8_t *end, Flow *f) {
    switch (linktype) {
    case DLT_EN10MB:
        decode_ether(p, end, 0, f);
        break;
    case DLT_LINUX_SLL:
        if (end - p >= 16) decode_by_ethertype(be16(p + 14), p + 16, end, 0, f);
        break;
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:
        if (end - p >= 20) decode_by_ethertype(be16(p), p + 20, end, 0, f);
        break;
#endif
    case DLT_RAW:
    case 101: /* LINKTYPE_RAW in files; DLT_RAW is 12 or 14 by platform */
    case 14:
#ifdef DLT_IPV4
    case DLT_IPV4:
    case DLT_IPV6:
#endif
        decode_ip(p, end, 0, f);
        break;
    case DLT_NULL:
    case DLT_LOOP:
        if (end - p >= 4) decode_ip(p + 4, end, 0, f);
        break;
    }
}

static void count(const Flow *f) {
    FlowKey k;
    memset(&k, 0, sizeof k);
    k.version = f->version;
    k.depth = f->depth;
    k.proto = f->proto;
    uint16_t sp = f->has_ports ? f->sport : 0, dp = f->has_ports ? f->dport : 0;
    int c = memcmp(f->src, f->dst, 16);
    if (c < 0 || (c == 0 && sp <= dp)) {
        memcpy(k.a, f->src, 16); memcpy(k.b, f->dst, 16); k.pa = sp; k.pb = dp;
    } else {
        memcpy(k.a, f->dst, 16); memcpy(k.b, f->src, 16); k.pa = dp; k.pb = sp;
    }
    add_flow(&k);
}

/* FLOWCOUNT_DEBUG=1: one line per packet with the flow it was counted in (to compare decoders). */
static void print_key(uint64_t i, const Flow *f) {
    if (!f->have) { printf("%llu -\n", (unsigned long long)i); return; }
    printf("%llu %u d%u p%u ", (unsigned long long)i, f->version, f->depth, f->proto);
    for (int side = 0; side < 2; side++) {
        const uint8_t *a = side ? f->dst : f->src;
        int words = f->version == 4 ? 1 : 4;
        for (int w = 0; w < words; w++) {
            uint32_t v = (uint32_t)a[w * 4] << 24 | (uint32_t)a[w * 4 + 1] << 16 | (uint32_t)a[w * 4 + 2] << 8 | a[w * 4 + 3];
            printf(w ? ":%x" : "%x", v);
        }
        printf(" ");
    }
    if (f->has_ports) printf("%u>%u\n", f->sport, f->dport); else printf("np\n");
}

/*
 * The capture opened by libpcap itself, or through a stdio buffer of `buffer_bytes` (-b), which
 * `*buffer` then holds: it must outlive pcap_close (which closes the FILE), so the caller frees it.
 * The buffer is the program's own, as glibc's setvbuf ignores the size when handed none.
 */
static pcap_t *open_capture(const char *path, size_t buffer_bytes, char **buffer, char *err) {
    *buffer = NULL;
    if (buffer_bytes == 0) return pcap_open_offline(path, err);
    FILE *fp = fopen(path, "rb");
    if (!fp) { snprintf(err, PCAP_ERRBUF_SIZE, "%s", strerror(errno)); return NULL; }
    *buffer = malloc(buffer_bytes);
    /* setvbuf before any read. */
    if (!*buffer || setvbuf(fp, *buffer, _IOFBF, buffer_bytes) != 0) {
        snprintf(err, PCAP_ERRBUF_SIZE, "no read buffer of %zu bytes", buffer_bytes);
        fclose(fp);
        free(*buffer);
        *buffer = NULL;
        return NULL;
    }
    pcap_t *pc = pcap_fopen_offline(fp, err); /* pcap_close closes fp */
    if (!pc) { fclose(fp); free(*buffer); *buffer = NULL; }
    return pc;
}

int main(int argc, char **argv) {
    int debug = getenv("FLOWCOUNT_DEBUG") != NULL;
    size_t buffer_bytes = 0;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "-b") == 0) {
        char *end;
        unsigned long long n = strtoull(argv[2], &end, 10);
        if (*end != '\0' || n == 0 || n > (1ULL << 30)) {
            fprintf(stderr, "flowcount: -b wants a buffer size in bytes, 1 to 1073741824, not '%s'\n", argv[2]);
            return 2;
        }
        buffer_bytes = (size_t)n;
        first = 3;
    }
    if (argc <= first) {
        fprintf(stderr, "usage: flowcount [-b BYTES] FILE...   (pcap or pcapng; prints one JSON line)\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t packets = 0, bytes = 0;
    char err[PCAP_ERRBUF_SIZE];
    for (int i = first; i < argc; i++) {
        char *buffer;
        pcap_t *pc = open_capture(argv[i], buffer_bytes, &buffer, err);
        if (!pc) { fprintf(stderr, "flowcount: %s: %s\n", argv[i], err); return 1; }
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc;
        while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
            packets++;
            bytes += h->caplen;
            Flow f;
            f.have = 0;
            /* pcapng: each record's interface may have its own link type; libpcap exposes one. */
            decode_record(pcap_datalink(pc), data, data + h->caplen, &f);
            if (debug) print_key(packets - 1, &f);
            if (f.have) count(&f);
        }
        if (rc == -1) fprintf(stderr, "flowcount: %s: %s\n", argv[i], pcap_geterr(pc));
        pcap_close(pc);
        free(buffer);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (!debug) printf("{\"packets\":%llu,\"bytes\":%llu,\"flows\":%llu,\"seconds\":%.6f}\n",
           (unsigned long long)packets, (unsigned long long)bytes, (unsigned long long)nkeys, seconds);
    return 0;
}
