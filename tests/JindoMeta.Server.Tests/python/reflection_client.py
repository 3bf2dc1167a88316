#!/usr/bin/python3
"""A generic client on Debian's python3-grpcio (gRPC C-core) that knows no JindoMeta proto.

It learns every service it calls from the daemon's server reflection: the reflection messages themselves are
hand-built with descriptor_pb2 (Debian ships no reflection stubs and no protoc), everything else arrives as
FileDescriptorProtos over reflection and becomes message classes at run time.

Usage: /usr/bin/python3 reflection_client.py HOST:PORT NAMESPACE FILE_COUNT
Prints one JSON object with what it saw; the xunit test (PythonGrpcInteropTests) asserts on it.
"""
import json
import sys

try:
    import grpc
    from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
except ImportError as missing:
    print(f"{sys.executable} cannot import {missing.name}: install python3-grpcio and python3-protobuf "
          "(tests/run.sh installs them)", file=sys.stderr)
    sys.exit(3)

USER = [("x-jindo-user", "root")]
TIMEOUT_SECONDS = 60  # generous: the machine is small and shared
IN_FLIGHT = 64


def message_class(descriptor):
    # protobuf >= 4.22 has GetMessageClass; Debian bookworm's 3.21 (4.21 API) only MessageFactory.
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(descriptor.file.pool).GetPrototype(descriptor)


def reflection_file(version):
    """grpc/reflection/<version>/reflection.proto, the messages the protocol needs (same fields as protos/)."""
    file = descriptor_pb2.FileDescriptorProto(name=f"grpc/reflection/{version}/reflection.proto",
                                              package=f"grpc.reflection.{version}", syntax="proto3")
    prefix = f".grpc.reflection.{version}."
    string, int32, message, bytes_ = (descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                                      descriptor_pb2.FieldDescriptorProto.TYPE_INT32,
                                      descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
                                      descriptor_pb2.FieldDescriptorProto.TYPE_BYTES)
    optional, repeated = (descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL,
                          descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED)

    def add(name, fields, oneof=None):
        proto = file.message_type.add(name=name)
        if oneof:
            proto.oneof_decl.add(name=oneof)
        for field_name, number, kind, type_name, label, in_oneof in fields:
            field = proto.field.add(name=field_name, number=number, type=kind, label=label)
            if type_name:
                field.type_name = prefix + type_name
            if in_oneof:
                field.oneof_index = 0

    add("ServerReflectionRequest", [
        ("host", 1, string, None, optional, False),
        ("file_by_filename", 3, string, None, optional, True),
        ("file_containing_symbol", 4, string, None, optional, True),
        ("file_containing_extension", 5, message, "ExtensionRequest", optional, True),
        ("all_extension_numbers_of_type", 6, string, None, optional, True),
        ("list_services", 7, string, None, optional, True),
    ], oneof="message_request")
    add("ExtensionRequest", [
        ("containing_type", 1, string, None, optional, False),
        ("extension_number", 2, int32, None, optional, False),
    ])
    add("ServerReflectionResponse", [
        ("valid_host", 1, string, None, optional, False),
        ("original_request", 2, message, "ServerReflectionRequest", optional, False),
        ("file_descriptor_response", 4, message, "FileDescriptorResponse", optional, True),
        ("all_extension_numbers_response", 5, message, "ExtensionNumberResponse", optional, True),
        ("list_services_response", 6, message, "ListServiceResponse", optional, True),
        ("error_response", 7, message, "ErrorResponse", optional, True),
    ], oneof="message_response")
    add("FileDescriptorResponse", [("file_descriptor_proto", 1, bytes_, None, repeated, False)])
    add("ExtensionNumberResponse", [
        ("base_type_name", 1, string, None, optional, False),
        ("extension_number", 2, int32, None, repeated, False),
    ])
    add("ListServiceResponse", [("service", 1, message, "ServiceResponse", repeated, False)])
    add("ServiceResponse", [("name", 1, string, None, optional, False)])
    add("ErrorResponse", [
        ("error_code", 1, int32, None, optional, False),
        ("error_message", 2, string, None, optional, False),
    ])
    return file


class Reflection:
    """One ServerReflectionInfo stream per question, as grpcurl does for each lookup."""

    def __init__(self, channel, version):
        pool = descriptor_pool.DescriptorPool()
        pool.Add(reflection_file(version))
        self.request = message_class(pool.FindMessageTypeByName(f"grpc.reflection.{version}.ServerReflectionRequest"))
        response = message_class(pool.FindMessageTypeByName(f"grpc.reflection.{version}.ServerReflectionResponse"))
        self.call = channel.stream_stream(f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo",
                                          request_serializer=self.request.SerializeToString,
                                          response_deserializer=response.FromString)

    def ask(self, **question):
        replies = list(self.call(iter([self.request(**question)]), timeout=TIMEOUT_SECONDS))
        if len(replies) != 1:
            raise RuntimeError(f"reflection answered {question} with {len(replies)} messages")
        return replies[0]

    def services(self):
        return sorted(s.name for s in self.ask(list_services="").list_services_response.service)

    def files_for(self, symbol):
        reply = self.ask(file_containing_symbol=symbol)
        if reply.WhichOneof("message_response") != "file_descriptor_response":
            raise RuntimeError(f"no descriptor for {symbol}: {reply}")
        return [descriptor_pb2.FileDescriptorProto.FromString(b) for b in reply.file_descriptor_response.file_descriptor_proto]


def load(pool, files):
    """Adds files to the pool dependencies first (the server may send a file before its imports)."""
    pending = {f.name: f for f in files}
    added = set()

    def add(name):
        if name in added or name not in pending:
            return
        for dependency in pending[name].dependency:
            add(dependency)
        pool.Add(pending[name])
        added.add(name)

    for name in list(pending):
        add(name)
    return sorted(added)


class DynamicService:
    """Unary callables for every method of a service, built from its reflected descriptor."""

    def __init__(self, channel, pool, name):
        service = pool.FindServiceByName(name)
        self.methods = [m.name for m in service.methods]
        self.input = {}
        self.callables = {}
        for method in service.methods:
            request, response = message_class(method.input_type), message_class(method.output_type)
            self.input[method.name] = request
            self.callables[method.name] = channel.unary_unary(f"/{name}/{method.name}",
                                                              request_serializer=request.SerializeToString,
                                                              response_deserializer=response.FromString)

    def __call__(self, method, **fields):
        return self.callables[method](self.input[method](**fields), metadata=USER, timeout=TIMEOUT_SECONDS)

    def future(self, method, **fields):
        return self.callables[method].future(self.input[method](**fields), metadata=USER, timeout=TIMEOUT_SECONDS)

    def failure(self, method, **fields):
        try:
            self(method, **fields)
        except grpc.RpcError as error:
            return {"code": error.code().name, "details": error.details(),
                    "trailers": {key: value for key, value in (error.trailing_metadata() or ())}}
        return {"code": "OK"}


def as_dict(message):
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def create_files(namespace_service, namespace, directory, count):
    """count empty files, IN_FLIGHT calls at a time (the daemon group-commits concurrent writes)."""
    names = [f"f{i:05d}" for i in range(count)]
    for start in range(0, count, IN_FLIGHT):
        batch = [namespace_service.future("Create", namespace=namespace, path=f"{directory}/{name}")
                 for name in names[start:start + IN_FLIGHT]]
        for call in batch:
            call.result()
    return names


def list_all(namespace_service, namespace, directory, limit):
    names, pages, cursor = [], 0, ""
    while True:
        page = namespace_service("ListStatus", namespace=namespace, path=directory, start_after=cursor, limit=limit)
        pages += 1
        names.extend(entry.path.rsplit("/", 1)[1] for entry in page.entries)
        if not page.has_more:
            return names, pages, page.next_cursor
        cursor = page.next_cursor


def main():
    address, namespace, file_count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    result = {"grpcVersion": grpc.__version__}
    with grpc.insecure_channel(address) as channel:
        reflection = Reflection(channel, "v1alpha")
        result["services"] = reflection.services()
        result["servicesV1"] = Reflection(channel, "v1").services()
        pool = descriptor_pool.DescriptorPool()
        result["files"] = load(pool, reflection.files_for("jindometa.v1.NamespaceService")
                               + reflection.files_for("grpc.health.v1.Health"))
        result["unknownSymbol"] = reflection.ask(file_containing_symbol="no.such.Service").error_response.error_code

        namespace_service = DynamicService(channel, pool, "jindometa.v1.NamespaceService")
        health = DynamicService(channel, pool, "grpc.health.v1.Health")
        result["methods"] = namespace_service.methods

        result["mkdirs"] = as_dict(namespace_service("Mkdirs", namespace=namespace, path="/py/dir", create_parent=True))
        result["create"] = as_dict(namespace_service("Create", namespace=namespace, path="/py/dir/file.txt"))
        result["getFileInfo"] = as_dict(namespace_service("GetFileInfo", namespace=namespace, path="/py/dir/file.txt"))
        result["notFound"] = namespace_service.failure("GetFileInfo", namespace=namespace, path="/py/missing")

        namespace_service("Mkdirs", namespace=namespace, path="/py/big", create_parent=True)
        created = create_files(namespace_service, namespace, "/py/big", file_count)
        listed, pages, last_cursor = list_all(namespace_service, namespace, "/py/big", limit=700)
        result["listing"] = {"count": len(listed), "pages": pages, "lastCursor": last_cursor,
                             "matchesCreated": listed == created, "first": listed[:1], "last": listed[-1:]}

        result["health"] = {}
        for name in ["", "jindometa.v1.NamespaceService", "jindometa.v1.AdminService"]:
            reply = health("Check", service=name)
            result["health"][name] = reply.DESCRIPTOR.fields_by_name["status"].enum_type.values_by_number[reply.status].name
        result["healthUnknown"] = health.failure("Check", service="no.such.Service")["code"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
