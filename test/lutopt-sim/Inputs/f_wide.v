module f(input [2:0] a, output [1:0] y);
  assign y = a[1:0];
endmodule
