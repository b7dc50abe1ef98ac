package parser_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/logscan/logscan/parser"
)

func ExampleReader() {
	in := `#Software: Microsoft Exchange Server
#Version: 15.0.0.0
#Log-type: SMTP Send Protocol Log
#Date: 2024-03-05T20:00:03.412Z
#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context
2024-03-05T20:00:44.100Z,Outbound to Office 365,08DC3C8E5F1A2B41,3,192.0.2.21:53001,52.101.68.12:25,<,"220 AM4PEPF00027A6C.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at Tue, 05 Mar 2024 20:00:44 +0000",
Date/Time,Outbound to Office 365,SessionID,4,,,*,,Sending certificate
2024-03-05T20:00:44.150Z,Outbound to Office 365,08DC3C8E5F1A2B41,5,192.0.2.21:53001,52.101.68.12:25,*,CN=mail.contoso.com,Certificate subject
`
	r := parser.NewReader(strings.NewReader(in), "SEND2024030520-1.LOG")
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var perr *parser.ParseError
		if errors.As(err, &perr) {
			fmt.Println("unreadable:", perr) // reading goes on
			continue
		}
		if err != nil {
			panic(err)
		}
		fmt.Printf("line %d %s %s %s %q %q\n", rec.Line, rec.LogType, rec.SessionID, rec.Event, rec.Data, rec.Context)
	}
	st := r.Stats()
	fmt.Printf("rows %d = records %d + bad %d + skipped %d\n", st.Rows, st.Records, st.Bad, st.Skipped)
	// Output:
	// line 6 send 08DC3C8E5F1A2B41 < "220 AM4PEPF00027A6C.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at Tue, 05 Mar 2024 20:00:44 +0000" ""
	// unreadable: SEND2024030520-1.LOG:7: field 1: bad date-time: "Date/Time"
	// line 8 send 08DC3C8E5F1A2B41 * "CN=mail.contoso.com" "Certificate subject"
	// rows 3 = records 2 + bad 1 + skipped 0
}
