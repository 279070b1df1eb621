import Testing
import VigilHTTP
import VigilPlatform

extension HTTPServerTests {
    @Suite("Round trips", .timeLimit(.minutes(1)))
    struct RoundTrips {
        @Test func getHeadAndPost() async throws {
            let server = try await TestServer.start()
            let client = server.client
            let get = try await blocking { try client.request("GET", "/metrics") }
            #expect(get.status == 200)
            #expect(get.text == "method=GET\npath=/metrics\nrole=metrics\npeer=none\nbodylen=0\n")
            #expect(get.header("content-type") == "text/plain; charset=utf-8")
            #expect(get.header("Content-Length") == String(get.body.count))
            #expect(get.header("Date")?.hasSuffix(" GMT") == true)
            #expect(get.header("Content-Encoding") == nil)

            let post = try await blocking { try client.request("POST", "/reload", body: Array("hello".utf8)) }
            #expect(post.status == 200)
            #expect(post.text.contains("method=POST\npath=/reload\n"))
            #expect(post.text.contains("bodylen=5"))

            let emptyPost = try await blocking { try client.request("POST", "/reload") }
            #expect(emptyPost.text.contains("bodylen=0"))

            let noContent = try await blocking { try client.request("GET", "/empty") }
            #expect(noContent.status == 204)
            #expect(noContent.body.isEmpty)
            await server.shutdown()
        }

        @Test func headSendsLengthButNoBody() async throws {
            let server = try await TestServer.start()
            let port = server.port
            let (head, next) = try await blocking {
                let connection = try RawConnection(port: port)
                // HEAD then GET on one connection: a body sent after the HEAD answer would corrupt the second.
                try connection.send("HEAD /big HTTP/1.1\r\nHost: t\r\n\r\n")
                let head = try connection.readResponse(expectBody: false)
                try connection.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
                return (head, try connection.readResponse())
            }
            #expect(head.statusLine == "HTTP/1.1 200 OK")
            #expect(head.header("Content-Length") == String(EchoHandler.bigText.utf8.count))
            #expect(next.statusLine == "HTTP/1.1 200 OK")
            #expect(next.text.hasPrefix("method=GET\npath=/metrics\n"))

            let client = server.client
            let viaClient = try await blocking { try client.request("HEAD", "/metrics") }
            #expect(viaClient.status == 200)
            #expect(viaClient.body.isEmpty)
            // The handler saw HEAD (its echo says so) and the length is that of the body it returned.
            let echoed = "method=HEAD\npath=/metrics\nrole=metrics\npeer=none\nbodylen=0\n"
            #expect(viaClient.header("Content-Length") == String(echoed.utf8.count))
            await server.shutdown()
        }

        @Test func queryIsPercentDecodedLastValueWins() async throws {
            let server = try await TestServer.start()
            let client = server.client
            let response = try await blocking {
                try client.request("GET", "/metrics?format=openmetrics&x=first&x=a%20b%2Fc&plus=a+b&flag&bad=%zz")
            }
            #expect(response.text.contains("path=/metrics\n"))
            #expect(response.text.contains("query.format=openmetrics\n"))
            #expect(response.text.contains("query.x=a b/c\n"))
            #expect(response.text.contains("query.plus=a b\n"))
            #expect(response.text.contains("query.flag=\n"))
            #expect(response.text.contains("query.bad=%zz\n"))
            await server.shutdown()
        }

        @Test func keepAliveServesTwoRequestsOnOneConnection() async throws {
            let server = try await TestServer.start()
            let port = server.port
            let (first, second, closed) = try await blocking {
                let connection = try RawConnection(port: port)
                try connection.send("GET /one HTTP/1.1\r\nHost: t\r\n\r\n")
                let first = try connection.readResponse()
                try connection.send("GET /two?a=1 HTTP/1.1\r\nHost: t\r\n\r\n")
                let second = try connection.readResponse()
                // Still open: a keep-alive connection is not closed after an answer.
                let closed = try connection.waitForClose(timeout: .milliseconds(200))
                return (first, second, closed)
            }
            #expect(first.text.contains("path=/one\n"))
            #expect(first.header("Connection") == nil)
            #expect(second.text.contains("path=/two\n"))
            #expect(second.text.contains("query.a=1\n"))
            #expect(!closed)
            await server.shutdown()
        }

        @Test func pipelinedRequestsAnswerInOrder() async throws {
            let server = try await TestServer.start()
            let port = server.port
            let answers = try await blocking {
                let connection = try RawConnection(port: port)
                try connection.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n")
                return [try connection.readResponse(), try connection.readResponse()]
            }
            #expect(answers.map(\.text) == ["slow\n", "method=GET\npath=/after\nrole=metrics\npeer=none\nbodylen=0\n"])
            await server.shutdown()
        }

        @Test func http10ClosesUnlessKeepAliveAsked() async throws {
            let server = try await TestServer.start()
            let port = server.port
            let (plain, plainClosed) = try await blocking {
                let connection = try RawConnection(port: port)
                try connection.send("GET /old HTTP/1.0\r\n\r\n")
                return (try connection.readResponse(), try connection.waitForClose(timeout: .seconds(2)))
            }
            #expect(plain.statusLine == "HTTP/1.0 200 OK")
            #expect(plain.header("Connection") == "close")
            #expect(plain.text.contains("path=/old\n"))
            #expect(plainClosed)

            let (first, second) = try await blocking {
                let connection = try RawConnection(port: port)
                try connection.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let first = try connection.readResponse()
                try connection.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                return (first, try connection.readResponse())
            }
            #expect(first.header("Connection") == "keep-alive")
            #expect(second.statusLine == "HTTP/1.0 200 OK")
            #expect(second.text.contains("path=/b\n"))
            await server.shutdown()
        }

        @Test func gzipOnlyWhenAsked() async throws {
            let server = try await TestServer.start()
            let client = server.client
            let identity = try await blocking { try client.request("GET", "/big") }
            #expect(identity.header("Content-Encoding") == nil)
            #expect(identity.text == EchoHandler.bigText)

            let gzipped = try await blocking {
                try client.request("GET", "/big", headers: [(name: "Accept-Encoding", value: "gzip")])
            }
            #expect(gzipped.status == 200)
            #expect(gzipped.header("Content-Encoding") == "gzip")
            #expect(gzipped.header("Content-Length") == String(gzipped.body.count))
            #expect(Array(gzipped.body.prefix(2)) == [0x1f, 0x8b])
            #expect(gzipped.body.count < identity.body.count / 4)
            let body = gzipped.body
            let decompressed = try await blocking { try gunzip(body) }
            #expect(decompressed == identity.body)

            // A HEAD answer describes the identity body and is never compressed.
            let head = try await blocking {
                try client.request("HEAD", "/big", headers: [(name: "Accept-Encoding", value: "gzip")])
            }
            #expect(head.header("Content-Encoding") == nil)
            #expect(head.header("Content-Length") == String(identity.body.count))
            await server.shutdown()
        }

        @Test func malformedRequestGets400() async throws {
            let server = try await TestServer.start()
            let port = server.port
            let (response, closed) = try await blocking {
                let connection = try RawConnection(port: port)
                try connection.send("NOT HTTP AT ALL\r\n\r\n")
                return (try connection.readResponse(), try connection.waitForClose(timeout: .seconds(2)))
            }
            #expect(response.statusLine.hasPrefix("HTTP/1.1 400"))
            #expect(closed)
            await server.shutdown()
        }

        @Test func oversizedHeadersAreRefused() async throws {
            let server = try await TestServer.start(limits: HTTPServerLimits(maxHeaderBytes: 1024))
            let port = server.port
            let client = server.client
            let fine = try await blocking {
                try client.request("GET", "/", headers: [(name: "X-Small", value: String(repeating: "a", count: 500))])
            }
            #expect(fine.status == 200)
            let (response, closed) = try await blocking {
                let connection = try RawConnection(port: port)
                try connection.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "a", count: 2000))\r\n\r\n")
                return (try connection.readResponse(), try connection.waitForClose(timeout: .seconds(2)))
            }
            #expect(response.statusLine.hasPrefix("HTTP/1.1 4"))
            #expect(closed)
            await server.shutdown()
        }
    }
}
