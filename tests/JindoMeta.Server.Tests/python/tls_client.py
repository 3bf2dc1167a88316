"""gRPC C-core (Debian's python3-grpcio) over TLS with a client certificate.

Usage: tls_client.py HOST:PORT CA_FILE CERT_FILE KEY_FILE. Messages are encoded by hand (a few protobuf fields), so
the script needs no generated code: a health check, a mkdirs as the certificate's user (no x-jindo-user sent), and
the same call from a connection without a certificate.
"""
import sys

try:
    import grpc
except ImportError:
    sys.exit(3)


def field(number, text):
    data = text.encode()
    return bytes([(number << 3) | 2, len(data)]) + data


def read_string_fields(message):
    """The length-delimited fields of one protobuf message level, as {number: bytes} (last wins)."""
    fields, i = {}, 0
    while i < len(message):
        key, shift = 0, 0
        while True:
            b = message[i]; i += 1
            key |= (b & 0x7F) << shift; shift += 7
            if b < 0x80:
                break
        number, kind = key >> 3, key & 7
        if kind == 0:
            while message[i] >= 0x80:
                i += 1
            i += 1
        elif kind == 2:
            length, shift = 0, 0
            while True:
                b = message[i]; i += 1
                length |= (b & 0x7F) << shift; shift += 7
                if b < 0x80:
                    break
            fields[number] = message[i:i + length]; i += length
        elif kind == 1:
            i += 8
        elif kind == 5:
            i += 4
    return fields


def main():
    address, ca_file, cert_file, key_file = sys.argv[1:5]
    root = open(ca_file, 'rb').read()
    identity = grpc.ssl_channel_credentials(root, open(key_file, 'rb').read(), open(cert_file, 'rb').read())
    identity_raw = lambda b: b
    with grpc.secure_channel(address, identity) as channel:
        health = channel.unary_unary('/grpc.health.v1.Health/Check', request_serializer=identity_raw, response_deserializer=identity_raw)
        reply = health(b'', timeout=20)
        print('health', 'SERVING' if reply == b'\x08\x01' else repr(reply))
        mkdirs = channel.unary_unary('/jindometa.v1.NamespaceService/Mkdirs', request_serializer=identity_raw, response_deserializer=identity_raw)
        reply = mkdirs(field(1, 'test') + field(2, '/shared/py-dir'), timeout=20)
        status = read_string_fields(read_string_fields(reply)[1])
        print('mkdirs owner', status[10].decode())  # FileStatus.owner = 10
    with grpc.secure_channel(address, grpc.ssl_channel_credentials(root)) as channel:
        health = channel.unary_unary('/grpc.health.v1.Health/Check', request_serializer=identity_raw, response_deserializer=identity_raw)
        try:
            health(b'', timeout=20)
            print('no-certificate SERVED')
        except grpc.RpcError as error:
            print('no-certificate', error.code().name)


main()
