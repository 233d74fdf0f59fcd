// Command sdkgen is the part of a Pulumi language host that `pulumi package gen-sdk` needs, for
// Python and Go, and nothing more.
//
// Why it exists: dockwire's toolchain (scripts/toolchain.sh) builds the Pulumi CLI from the Go
// module proxy, and the proxy serves no Python or Go language host (their modules,
// github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3 and
// .../sdk/go/pulumi-language-go/v3, answer 403). The CLI does not generate SDK code itself: `pulumi
// package gen-sdk SCHEMA --language L` starts the language plugin pulumi-language-L and calls its
// GeneratePackage RPC. So without a language host there is no SDK for dockwire's component provider
// in that language. The code generators themselves are ordinary packages of the pinned pulumi module
// (pkg/v3/codegen/python, pkg/v3/codegen/go); this program serves them behind that one RPC.
//
// It is a code generator, not a language host: every other method of the LanguageRuntime service
// (Run, InstallDependencies, GetRequiredPackages, ...) answers Unimplemented and says so. For that
// reason toolchain.sh keeps it out of PATH (it would shadow a real host for `pulumi up`); `env`
// exports its folder as DOCKWIRE_SDKGEN_PATH, for
//
//	PATH=$DOCKWIRE_SDKGEN_PATH:$PATH PULUMI_IGNORE_AMBIENT_PLUGINS=false \
//	  pulumi package gen-sdk schema.json --language python -o sdk
//
// (the environment toolchain.sh prints for its own CLI build ignores plugins on PATH otherwise).
//
// One binary serves both languages: the language is read from the name it is started by,
// pulumi-language-python or pulumi-language-go (toolchain.sh makes links of those names).
//
// The plugin protocol, as the engine speaks it: the engine starts the binary with optional
// --logtostderr, -v=N and --tracing ENDPOINT flags and its own address last (none of which a code
// generator needs, so they are not read), reads one line from stdout, the port of the gRPC server
// this program then serves on 127.0.0.1, and kills the process when it is done with it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const pluginPrefix = "pulumi-language-"

// served are the LanguageRuntime methods this program answers; the interceptors turn away the rest.
var served = map[string]bool{
	pulumirpc.LanguageRuntime_GetPluginInfo_FullMethodName:   true,
	pulumirpc.LanguageRuntime_Handshake_FullMethodName:       true,
	pulumirpc.LanguageRuntime_GeneratePackage_FullMethodName: true,
}

func main() {
	name := filepath.Base(os.Args[0])
	language := strings.TrimPrefix(name, pluginPrefix)
	if language != "python" && language != "go" {
		fmt.Fprintf(os.Stderr, "%s: start this program as %spython or %sgo (a link of that name): "+
			"it reads from its name which language's SDK to generate\n", name, pluginPrefix, pluginPrefix)
		os.Exit(2)
	}
	for _, arg := range os.Args[1:] {
		if arg == "-version" || arg == "--version" {
			fmt.Println(codegenVersion())
			return
		}
	}

	s := &server{language: language, name: name}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, s)
			return nil
		},
		Options: []grpc.ServerOption{
			grpc.ChainUnaryInterceptor(s.unary),
			grpc.ChainStreamInterceptor(s.stream),
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: could not start its gRPC server: %v\n", name, err)
		os.Exit(1)
	}
	// The one line the engine waits for.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// codegenVersion is the version of the pulumi module whose code generators are built in (go.mod
// pins it), reported as this plugin's version: a bundled language host reports the CLI's.
func codegenVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/pulumi/pulumi/pkg/v3" {
				if dep.Replace != nil {
					return dep.Replace.Version
				}
				return dep.Version
			}
		}
	}
	return "v3.0.0"
}

type server struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	language string // "python" or "go"
	name     string // the name it was started by, for messages
}

// refuse is the answer to every LanguageRuntime method but the served ones.
func (s *server) refuse(method string) error {
	return status.Errorf(codes.Unimplemented,
		"%s here is dockwire's SDK generator (scripts/sdkgen), not a %s language host: it serves only "+
			"`pulumi package gen-sdk` (GeneratePackage), not %s. Running %s programs needs the real "+
			"%s language host of a released Pulumi CLI; take DOCKWIRE_SDKGEN_PATH off PATH for that",
		s.name, s.language, strings.TrimPrefix(method, "/pulumirpc.LanguageRuntime/"), s.language, s.name)
}

func isLanguageRuntime(method string) bool {
	return strings.HasPrefix(method, "/"+pulumirpc.LanguageRuntime_ServiceDesc.ServiceName+"/")
}

func (s *server) unary(
	ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler,
) (any, error) {
	if isLanguageRuntime(info.FullMethod) && !served[info.FullMethod] {
		return nil, s.refuse(info.FullMethod)
	}
	return handler(ctx, req)
}

func (s *server) stream(
	srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler,
) error {
	if isLanguageRuntime(info.FullMethod) && !served[info.FullMethod] {
		return s.refuse(info.FullMethod)
	}
	return handler(srv, ss)
}

func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: codegenVersion()}, nil
}

// Handshake: nothing to learn from it (no program is run), but an answer tells the engine this
// plugin speaks the current protocol.
func (s *server) Handshake(
	context.Context, *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GeneratePackage binds the schema (resolving references to other packages through the engine's
// schema loader at req.LoaderTarget), generates the SDK and writes its files under req.Directory.
// Schema errors come back as diagnostics, as from a real host; the engine prints them.
//
// req.Local (`gen-sdk --local`) changes nothing here: in this pulumi version neither code generator
// takes such an option (a local SDK's differences come in through the schema, e.g. SupportPack,
// which `pulumi package add` sets). req.LocalDependencies reaches the Go generator (a replace
// directive for "pulumi" in the go.mod it writes when SupportPack is set); Python's takes none.
func (s *server) GeneratePackage(
	ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	// The CLI passes `-o` as it was given; a relative one is relative to the CLI's folder, which
	// is the one the engine starts plugins in.
	if req.Directory == "" {
		return nil, status.Error(codes.InvalidArgument, "no directory to write the SDK to was given")
	}
	if req.LoaderTarget == "" {
		return nil, status.Error(codes.InvalidArgument, "no schema loader address (loader_target) was given")
	}
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, fmt.Errorf("connecting to the engine's schema loader at %s: %w", req.LoaderTarget, err)
	}
	defer loader.Close()

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "the schema is not valid JSON: %v", err)
	}
	// Dangling references are allowed as a real host allows them: the CLI has bound the schema
	// already and reported what it has to say.
	pkg, diags, err := schema.BindSpecWithContext(ctx, spec, loader,
		schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}
	if diags.HasErrors() {
		return resp, nil
	}

	var files map[string][]byte
	tool := s.name
	switch s.language {
	case "python":
		files, err = pygen.GeneratePackage(tool, pkg, req.ExtraFiles, loader)
	case "go":
		if len(req.ExtraFiles) > 0 {
			return nil, status.Error(codes.InvalidArgument,
				"extra files (gen-sdk --overlays) are not supported for Go by dockwire's SDK generator")
		}
		files, err = gogen.GeneratePackage(tool, pkg, req.LocalDependencies)
	}
	if err != nil {
		return nil, fmt.Errorf("generating the %s SDK of %s: %w", s.language, pkg.Name, err)
	}
	if err := writeFiles(req.Directory, files); err != nil {
		return nil, err
	}
	return resp, nil
}

// writeFiles writes each generated file at its relative path under dir.
func writeFiles(dir string, files map[string][]byte) error {
	for name, data := range files {
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return errors.New("the code generator produced a path outside the output directory: " + name)
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}
